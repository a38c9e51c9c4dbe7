/**
 * `npm run bench`: downloads a 10 MB and a 100 MB container log through
 * Berth — the control plane (`berth start`) and an agent (`berth-agent`),
 * each in its own process, over real HTTP — and prints each process's peak
 * RSS during each download. Memory is flat when the 100 MB peaks are about
 * the 10 MB ones.
 *
 * Needs Docker, the `berth-test/busybox` image, Linux /proc, and
 * DATABASE_URL naming a MySQL server where it may create a database.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Dockerode from 'dockerode';
import mysql from 'mysql2/promise';
import { loadOrCreateKeyFile } from '../../agent/server/key-file.ts';
import { connectDatabase } from '../../db/client.ts';
import { upsertHost } from '../../db/queries/hosts.ts';
import { claimResource } from '../../db/queries/resources.ts';
import { users } from '../../db/schema.ts';
import { createSession, sessionCookieName } from '../../functions/auth/sessions.ts';
import { readNodeConfig } from '../../functions/node/config.ts';
import { killAgentProcess, startAgentProcess } from '../support/agent-process.ts';

const IMAGE = 'berth-test/busybox:latest';
const BERTH_BIN = fileURLToPath(new URL('../../bin/berth.js', import.meta.url));
const MB = 1_000_000;
/** 100-byte lines: 99 characters and "\n". */
const LINE = 'berth log benchmark line: the quick brown fox jumps over the lazy dog '.padEnd(99, '.');

const docker = new Dockerode();
const say = (text: string) => console.log(`bench: ${text}`);

/** The server URL with another database name (or none). */
function withDatabase(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Resets the process's peak RSS (Linux: `5` into clear_refs). */
async function resetPeak(pid: number): Promise<void> {
  await writeFile(`/proc/${pid}/clear_refs`, '5');
}

/** Peak (VmHWM) and current (VmRSS) resident memory, in MiB. */
async function memory(pid: number): Promise<{ peak: number; now: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { peak: kib('VmHWM') / 1024, now: kib('VmRSS') / 1024 };
}

async function startControlPlane(env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const child = spawn(process.execPath, [BERTH_BIN, 'start'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`berth start did not come up in 60 s:\n${output}`)), 60_000);
    const watch = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Berth is running')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', watch);
    child.stderr?.on('data', watch);
    child.once('exit', (code) => reject(new Error(`berth start exited with ${code}:\n${output}`)));
  });
  return child;
}

/** A finished container whose log is `bytes` bytes of 100-byte lines. */
async function containerWithLog(name: string, bytes: number): Promise<Dockerode.Container> {
  const container = await docker.createContainer({
    name,
    Image: IMAGE,
    Cmd: ['sh', '-c', `yes '${LINE}' | head -c ${bytes}`],
    Labels: { 'berth.bench': 'log-download' },
  });
  await container.start();
  await container.wait();
  return container;
}

interface Measured {
  label: string;
  bytes: number;
  seconds: number;
  /** Reading the same log straight from Docker's socket, for reference: Docker's own pace. */
  dockerSeconds: number;
  /** Peak RSS during the download, and RSS when it began (MiB). */
  controlPlane: number;
  agent: number;
  controlPlaneBefore: number;
  agentBefore: number;
}

/** Seconds to read a container's whole log straight from Docker (raw stream, bytes discarded). */
async function dockerReadSeconds(container: Dockerode.Container): Promise<number> {
  const started = performance.now();
  const stream = await new Promise<AsyncIterable<Buffer>>((resolve, reject) =>
    docker.modem.dial(
      { path: `/containers/${container.id}/logs?`, method: 'GET', isStream: true, statusCodes: { 200: true }, options: { stdout: true, stderr: true } },
      (error, response) => (error ? reject(error) : resolve(response as unknown as AsyncIterable<Buffer>)),
    ),
  );
  for await (const _chunk of stream);
  return (performance.now() - started) / 1000;
}

async function main(): Promise<void> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) throw new Error('Set DATABASE_URL to a MySQL server where the bench may create (and then drop) a database.');
  const dir = await mkdtemp(join(tmpdir(), 'berth-bench-'));
  const database = `berth_bench_${crypto.randomUUID().slice(0, 8)}`;
  const admin = await mysql.createConnection({ uri: withDatabase(serverUrl, '') });
  await admin.query(`CREATE DATABASE \`${database}\``);
  const databaseUrl = withDatabase(serverUrl, database);
  const containers: Dockerode.Container[] = [];
  const children: { kill(): unknown }[] = [];
  try {
    const controlPlaneKeys = await loadOrCreateKeyFile(join(dir, 'control-plane.key'));
    const agent = await startAgentProcess({ controlPlaneKey: controlPlaneKeys.publicKey.encoded, keyFile: join(dir, 'agent.key'), dockerSocket: '/var/run/docker.sock' });
    const agentPid = agent.child.pid ?? 0;
    children.push({ kill: () => killAgentProcess(agent) });
    const port = await freePort();
    const env = { ...process.env, DATABASE_URL: databaseUrl, PORT: String(port), BERTH_DATA_DIR: dir, BERTH_LOCAL_AGENT: 'off', BERTH_LISTEN_HOST: '127.0.0.1' };
    const controlPlane = await startControlPlane(env);
    children.push(controlPlane);
    const origin = `http://127.0.0.1:${port}`;
    say(`control plane pid ${controlPlane.pid} on ${origin}, agent pid ${agentPid} on ${agent.url}`);

    const handle = connectDatabase(databaseUrl);
    const host = await upsertHost(handle.db, { name: 'bench', agentUrl: agent.url, agentPublicKey: agent.publicKey, createdAt: new Date() });
    const [inserted] = await handle.db.insert(users).values({ username: 'bench', role: 'admin', passwordHash: 'bench:not-a-hash', createdAt: new Date() });
    const cookie = `${sessionCookieName(readNodeConfig(env).app)}=${await createSession(handle.db, inserted.insertId, Date.now())}`;

    const sizes = [
      { label: 'warm-up 10 MB', bytes: 10 * MB, report: false },
      { label: '10 MB', bytes: 10 * MB, report: true },
      { label: '100 MB', bytes: 100 * MB, report: true },
    ];
    const results: Measured[] = [];
    const idle = { controlPlane: await memory(controlPlane.pid ?? 0), agent: await memory(agentPid) };
    for (const size of sizes) {
      const container = await containerWithLog(`berth-bench-${crypto.randomUUID().slice(0, 8)}`, size.bytes);
      containers.push(container);
      await claimResource(handle.db, {
        hostId: host.id,
        kind: 'container',
        dockerId: container.id,
        workspace: 'public',
        origin: 'platform',
        createdBy: 'bench',
        name: `bench-${size.bytes}`,
        createdAt: new Date(),
      });
      const dockerSeconds = await dockerReadSeconds(container);
      await Promise.all([resetPeak(controlPlane.pid ?? 0), resetPeak(agentPid)]);
      const [cpBefore, agBefore] = await Promise.all([memory(controlPlane.pid ?? 0), memory(agentPid)]);
      const started = performance.now();
      const response = await fetch(`${origin}/logs/bench/${container.id}/download?opts=1&stdout=1&stderr=1&tail=all`, { headers: { cookie } });
      if (response.status !== 200 || !response.body) throw new Error(`The download answered HTTP ${response.status}: ${await response.text()}`);
      let received = 0;
      for await (const chunk of response.body) received += chunk.length;
      const seconds = (performance.now() - started) / 1000;
      if (received !== size.bytes) throw new Error(`${size.label}: downloaded ${received} bytes, the log has ${size.bytes}.`);
      const [cp, ag] = await Promise.all([memory(controlPlane.pid ?? 0), memory(agentPid)]);
      say(
        `${size.label}: ${received} bytes in ${seconds.toFixed(1)} s (Docker alone ${dockerSeconds.toFixed(1)} s); peak RSS control plane ${cp.peak.toFixed(1)} MiB, agent ${ag.peak.toFixed(1)} MiB`,
      );
      if (size.report) {
        results.push({ label: size.label, bytes: received, seconds, dockerSeconds, controlPlane: cp.peak, agent: ag.peak, controlPlaneBefore: cpBefore.now, agentBefore: agBefore.now });
      }
    }
    await handle.close();

    const [small, large] = results as [Measured, Measured];
    console.log('');
    console.log('Log download through Berth (peak RSS of each process during the download)');
    console.log(`idle before:  control plane ${idle.controlPlane.now.toFixed(1)} MiB, agent ${idle.agent.now.toFixed(1)} MiB`);
    console.log('size    | time   | throughput | Docker alone | time ratio | control plane: at start → peak | agent: at start → peak');
    for (const r of results) {
      console.log(
        [
          r.label.padEnd(7),
          `${r.seconds.toFixed(1)} s`.padEnd(6),
          `${(r.bytes / MB / r.seconds).toFixed(1)} MB/s`.padEnd(10),
          `${r.dockerSeconds.toFixed(1)} s`.padEnd(12),
          `${(r.seconds / r.dockerSeconds).toFixed(2)}×`.padEnd(10),
          `${r.controlPlaneBefore.toFixed(1)} → ${r.controlPlane.toFixed(1)} MiB`.padEnd(30),
          `${r.agentBefore.toFixed(1)} → ${r.agent.toFixed(1)} MiB`,
        ].join(' | '),
      );
    }
    console.log(`peak ratio 100 MB / 10 MB: control plane ${(large.controlPlane / small.controlPlane).toFixed(2)}, agent ${(large.agent / small.agent).toFixed(2)}`);
  } finally {
    await Promise.all(children.map((child) => child.kill()));
    await Promise.all(containers.map((container) => container.remove({ force: true }).catch(() => {})));
    await admin.query(`DROP DATABASE IF EXISTS \`${database}\``);
    await admin.end();
    await rm(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error('bench: failed:', error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
