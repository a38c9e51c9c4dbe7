// Two real Docker engines, each with its own agent process and key pair, behind one control plane.
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, readlink, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Dockerode from 'dockerode';
import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgentClient } from '../../agent/client/agent-client.ts';
import { generateKeyPair, type KeyPair } from '../../agent/protocol/keys.ts';
import { auditEvents, hosts, resources, type Host } from '../../db/schema.ts';
import { askAllHosts } from '../../functions/hosts/host-client.ts';
import { fetchAndReconcile } from '../../functions/sync/reconcile.ts';
import { createSignedInUser, createTestApp } from '../support/app.ts';
import { killAgentProcess, startAgentProcess, type AgentProcess } from '../support/agent-process.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { SECOND_ENGINE_NETNS, secondEngine, type SecondEngine } from '../support/second-engine.ts';

/** The status timeout, as in production (BERTH_AGENT_TIMEOUT_MS). */
const TIMEOUT_MS = 2000;
const MAIN_SOCKET = '/var/run/docker.sock';
const IMAGE = 'berth-test/busybox:latest';

let db: TestDatabase;
let tmp: string;
let engineTwo: SecondEngine;
let controlPlane: KeyPair;
let app: Awaited<ReturnType<typeof createTestApp>>;
let admin: { cookie: string };
const agents: Record<string, AgentProcess> = {};
const containers: { docker: Dockerode; id: string }[] = [];
// The same container name on both engines: ownership must still tell them apart.
const sharedName = `berth-hosts-${randomBytes(4).toString('hex')}`;
/** Response times (ms) with host two down, reported after the run. */
const figures: Record<string, { page: number; health: number }> = {};

function agentClient() {
  return createAgentClient({ privateKey: controlPlane.privateKey, publicKey: controlPlane.publicKey.encoded, clock: Date.now, timeoutMs: TIMEOUT_MS });
}

async function host(name: string): Promise<Host> {
  const [row] = await db.db.select().from(hosts).where(eq(hosts.name, name));
  if (!row) throw new Error(`no host ${name}`);
  return row;
}

/** Enrolls a host through the page, as an admin would. */
async function enroll(name: string, agentUrl: string, agentPublicKey: string) {
  const res = await app.postForm('/hosts', { name, agentUrl, agentPublicKey }, { cookie: admin.cookie });
  expect(res.status, await res.text()).toBe(303);
}

async function startContainer(docker: Dockerode): Promise<string> {
  // No bridge on the second engine (see second-engine.ts): no network on either.
  const container = await docker.createContainer({ Image: IMAGE, name: sharedName, Cmd: ['sleep', '600'], HostConfig: { NetworkMode: 'none' } });
  containers.push({ docker, id: container.id });
  await container.start();
  return container.id;
}

/** Times one request, for the bound on a page with a host down. */
async function timed(run: () => Response | Promise<Response>): Promise<{ res: Response; body: string; ms: number }> {
  const started = performance.now();
  const res = await run();
  const body = await res.text();
  return { res, body, ms: performance.now() - started };
}

function rowOf(html: string, name: string): string {
  return new RegExp(`<tr data-host="${name}">[\\s\\S]*?</tr>`).exec(html)?.[0] ?? '';
}

async function reachabilityRecords(hostName: string) {
  return db.db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.action, 'host.reachability'), eq(auditEvents.hostName, hostName)))
    .orderBy(asc(auditEvents.id));
}

interface ListedHost {
  host: string;
  ok: boolean;
  kind?: string;
  containers: { id: string; name: string }[];
}

beforeAll(async () => {
  [db, tmp, engineTwo, controlPlane] = await Promise.all([
    createTestDatabase(),
    mkdtemp(join(tmpdir(), 'berth-two-engines-')),
    secondEngine(),
    generateKeyPair(),
  ]);
  const controlPlaneKey = controlPlane.publicKey.encoded;
  [agents.one, agents.two] = await Promise.all([
    startAgentProcess({ controlPlaneKey, keyFile: join(tmp, 'one.key'), dockerSocket: MAIN_SOCKET }),
    startAgentProcess({ controlPlaneKey, keyFile: join(tmp, 'two.key'), dockerSocket: engineTwo.socket }),
  ]);
  app = await createTestApp({ db, agents: agentClient(), controlPlanePublicKey: controlPlaneKey, config: { agentTimeoutMs: TIMEOUT_MS } });
  // The control plane's list path (askAllHosts + fetchAndReconcile) as the list pages use it.
  app.app.get('/test-only/containers', async (c) => {
    const answers = await askAllHosts(c, (client, h) => fetchAndReconcile({ db: c.get('db'), clock: c.get('clock') }, h, client));
    return c.json(
      answers.map(({ host: h, result }): ListedHost =>
        result.ok
          ? { host: h.name, ok: true, containers: result.data.containers.map(({ id, name }) => ({ id, name })) }
          : { host: h.name, ok: false, kind: result.kind, containers: [] },
      ),
    );
  });
  admin = await createSignedInUser(db, 'hostsadmin', 'admin');
  await enroll('one', agents.one.url, agents.one.publicKey);
  await enroll('two', agents.two.url, agents.two.publicKey);
});

afterAll(async () => {
  console.info(`two engines: response times with host two down (timeout ${TIMEOUT_MS} ms): ${JSON.stringify(figures)}`);
  await Promise.all(Object.values(agents).map(killAgentProcess));
  await Promise.all(containers.map(({ docker, id }) => docker.getContainer(id).remove({ force: true }).catch(() => {})));
  await rm(tmp, { recursive: true, force: true });
  await db?.drop();
});

async function listAll(): Promise<ListedHost[]> {
  const res = await app.request('/test-only/containers', { cookie: admin.cookie });
  expect(res.status).toBe(200);
  return (await res.json()) as ListedHost[];
}

describe('two Docker engines, one control plane', () => {
  it('runs the second engine in a network namespace of its own, apart from the first', async () => {
    const [one, two] = await Promise.all([new Dockerode({ socketPath: MAIN_SOCKET }).info(), engineTwo.docker.info()]);
    expect(two.DockerRootDir).not.toBe(one.DockerRootDir);
    const pid = (await readFile(`/run/${SECOND_ENGINE_NETNS}/docker.pid`, 'utf8')).trim();
    const namespaceOf = async (path: string) => /net:\[(\d+)\]/.exec(await readlink(path))?.[1];
    const engineTwoNamespace = await namespaceOf(`/proc/${pid}/ns/net`);
    expect(engineTwoNamespace).toBe(String((await stat(`/var/run/netns/${SECOND_ENGINE_NETNS}`)).ino));
    expect(engineTwoNamespace).not.toBe(await namespaceOf('/proc/self/ns/net'));
  });

  it('lists containers of both hosts in one answer, each under its own host, and keeps ownership per (host, id)', async () => {
    // First sync of both hosts, before the test's containers exist: they then appear from outside Berth.
    expect((await listAll()).map((h) => [h.host, h.ok])).toEqual([
      ['one', true],
      ['two', true],
    ]);
    const [idOne, idTwo] = await Promise.all([startContainer(new Dockerode({ socketPath: MAIN_SOCKET })), startContainer(engineTwo.docker)]);
    expect(idOne).not.toBe(idTwo);

    const listed = await listAll();
    const one = listed.find((h) => h.host === 'one')!;
    const two = listed.find((h) => h.host === 'two')!;
    expect(one.containers).toContainEqual({ id: idOne, name: sharedName });
    expect(two.containers).toContainEqual({ id: idTwo, name: sharedName });
    expect(one.containers.map((c) => c.id)).not.toContain(idTwo);
    expect(two.containers.map((c) => c.id)).not.toContain(idOne);

    const rows = await db.db.select().from(resources).where(eq(resources.name, sharedName));
    expect(rows.map((r) => [r.hostId, r.dockerId, r.workspace]).sort()).toEqual(
      [
        [(await host('one')).id, idOne, 'external'],
        [(await host('two')).id, idTwo, 'external'],
      ].sort(),
    );
    const appeared = await db.db.select().from(auditEvents).where(eq(auditEvents.targetName, sharedName));
    expect(appeared.map((e) => [e.action, e.hostName, e.targetId]).sort()).toEqual(
      [
        ['container.appeared', 'one', idOne],
        ['container.appeared', 'two', idTwo],
      ].sort(),
    );
  });

  it("sends a call for a host's row to that host's engine only", async () => {
    const [one, two] = await Promise.all([host('one'), host('two')]);
    const client = agentClient();
    const [viaOne, viaTwo] = await Promise.all([
      client.forHost({ url: one.agentUrl, agentPublicKey: one.agentPublicKey }, 'hostsadmin').listContainers(),
      client.forHost({ url: two.agentUrl, agentPublicKey: two.agentPublicKey }, 'hostsadmin').listContainers(),
    ]);
    const idsOf = (result: typeof viaOne) => (result.ok ? result.data.filter((c) => c.name === sharedName).map((c) => c.id) : []);
    const [onEngineOne] = await new Dockerode({ socketPath: MAIN_SOCKET }).listContainers({ all: true, filters: { name: [sharedName] } });
    const [onEngineTwo] = await engineTwo.docker.listContainers({ all: true, filters: { name: [sharedName] } });
    expect(idsOf(viaOne)).toEqual([onEngineOne?.Id]);
    expect(idsOf(viaTwo)).toEqual([onEngineTwo?.Id]);
  });

  it('with host two\'s agent killed, the hosts page and /healthz answer within the timeout: host one up, host two down', async () => {
    await killAgentProcess(agents.two!);
    const page = await timed(() => app.request('/hosts', { cookie: admin.cookie }));
    const health = await timed(() => app.request('/healthz'));
    figures.killed = { page: page.ms, health: health.ms };
    for (const { res, ms } of [page, health]) {
      expect(res.status).toBe(200);
      expect(ms).toBeLessThan(3 * TIMEOUT_MS);
    }
    expect(rowOf(page.body, 'one')).toContain('data-status="up"');
    expect(rowOf(page.body, 'two')).toContain('data-status="down"');
    expect(rowOf(page.body, 'two')).toContain('Host two is unreachable: ');
    expect(JSON.parse(health.body).hosts).toEqual([
      { name: 'one', status: 'up', dockerVersion: expect.any(String) },
      { name: 'two', status: 'down', message: expect.stringContaining('unreachable') },
    ]);
    const listed = await listAll();
    expect(listed.map((h) => [h.host, h.ok, h.kind])).toEqual([
      ['one', true, undefined],
      ['two', false, 'unreachable'],
    ]);
    expect(listed[0]!.containers.map((c) => c.name)).toContain(sharedName);
    // Its ownership rows stay as they were while it is away.
    expect(await db.db.select().from(resources).where(eq(resources.hostId, (await host('two')).id))).not.toEqual([]);
    expect((await reachabilityRecords('two')).map((e) => [e.outcome, e.actorType])).toEqual([['failure', 'system']]);
  });

  it('brings host two back when its agent restarts (same key file, same port), without restarting the control plane', async () => {
    agents.two = await startAgentProcess({
      controlPlaneKey: controlPlane.publicKey.encoded,
      keyFile: join(tmp, 'two.key'),
      dockerSocket: engineTwo.socket,
      port: agents.two!.port,
    });
    const page = await app.request('/hosts', { cookie: admin.cookie });
    const body = await page.text();
    expect(rowOf(body, 'two')).toContain('data-status="up"');
    expect((await listAll()).map((h) => [h.host, h.ok])).toEqual([
      ['one', true],
      ['two', true],
    ]);
    expect((await reachabilityRecords('two')).map((e) => [e.outcome, e.message])).toEqual([
      ['failure', expect.stringMatching(/^Host two is unreachable: /)],
      ['success', 'Host two answers again.'],
    ]);
  });

  it('with host two\'s agent hung (stopped, not dead), pages wait for the timeout and no longer: host two is down', async () => {
    agents.two!.child.kill('SIGSTOP');
    try {
      const page = await timed(() => app.request('/hosts', { cookie: admin.cookie }));
      const health = await timed(() => app.request('/healthz'));
      figures.hung = { page: page.ms, health: health.ms };
      for (const { res, ms } of [page, health]) {
        expect(res.status).toBe(200);
        expect(ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
        expect(ms).toBeLessThan(3 * TIMEOUT_MS);
      }
      expect(rowOf(page.body, 'one')).toContain('data-status="up"');
      expect(rowOf(page.body, 'two')).toContain('data-status="down"');
      expect(rowOf(page.body, 'two')).toContain('did not answer in time');
    } finally {
      agents.two!.child.kill('SIGCONT');
    }
    expect(rowOf(await (await app.request('/hosts', { cookie: admin.cookie })).text(), 'two')).toContain('data-status="up"');
  });

  it('shows an agent started for another control plane as failing verification: it refuses every request', async () => {
    const stranger = await generateKeyPair();
    agents.three = await startAgentProcess({ controlPlaneKey: stranger.publicKey.encoded, keyFile: join(tmp, 'three.key'), dockerSocket: engineTwo.socket });
    await enroll('three', agents.three.url, agents.three.publicKey);

    const client = agentClient().forHost({ url: agents.three.url, agentPublicKey: agents.three.publicKey }, 'hostsadmin');
    for (const result of await Promise.all([client.info(), client.listContainers(), client.listImages(), client.request('GET', '/v1/containers?all=1')])) {
      expect(result).toMatchObject({ ok: false, kind: 'rejected', status: 401, code: 'unknown-key' });
    }
    const body = await (await app.request('/hosts', { cookie: admin.cookie })).text();
    expect(rowOf(body, 'three')).toContain('data-status="unverified"');
    expect(rowOf(body, 'three')).toContain('failing verification');
    expect(rowOf(body, 'three')).toContain('Host three is failing verification: ');
    const health = await (await app.request('/healthz')).json();
    expect(health.hosts).toContainEqual({ name: 'three', status: 'unverified', message: expect.any(String) });
  });

  it('shows a host enrolled with the wrong agent key as failing verification, never up', async () => {
    const { publicKey: wrong } = await generateKeyPair();
    await enroll('four', agents.one!.url, wrong.encoded);
    const body = await (await app.request('/hosts', { cookie: admin.cookie })).text();
    expect(rowOf(body, 'four')).toContain('data-status="unverified"');
    expect(rowOf(body, 'four')).toContain('Host four is failing verification: ');
    expect(rowOf(body, 'four')).toContain('not signed by the key enrolled for this host');
    expect(rowOf(body, 'four')).not.toContain('<time');
    // The agent answers, but not with the key Berth holds: the outcome of anything sent there is unknown.
    expect((await listAll()).find((h) => h.host === 'four')).toMatchObject({ ok: false, kind: 'unverified' });
    expect(await host('four')).toMatchObject({ lastStatus: 'unverified', lastSeenAt: null });
    expect((await reachabilityRecords('four')).map((e) => [e.outcome, e.detail])).toEqual([['failure', { status: 'unverified', kind: 'unverified' }]]);
  });
});
