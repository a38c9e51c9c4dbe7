// The agent against the real Docker engine, over real HTTP on a random port.
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { chmod, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { createAgentClient, type HostClient } from '../../agent/client/agent-client.ts';
import { BERTH_HEADERS } from '../../agent/protocol/headers.ts';
import { generateKeyPair, type KeyPair } from '../../agent/protocol/keys.ts';
import { AGENT_PATHS, type AgentError, type ContainerSummary } from '../../agent/protocol/messages.ts';
import { verifyResponse } from '../../agent/protocol/response-signing.ts';
import { signRequest } from '../../agent/protocol/signing.ts';
import { AgentStartError } from '../../agent/server/agent-start-error.ts';
import { startAgent, type RunningAgent, type StartAgentConfig } from '../../agent/server/start-agent.ts';

const IMAGE = 'berth-test/busybox:latest';
const runId = crypto.randomUUID().slice(0, 8);
const docker = new Dockerode();

let tmp: string;
let controlPlane: KeyPair;
let agent: RunningAgent;
let client: HostClient;
let running: Dockerode.Container;
let created: Dockerode.Container;
const agents: RunningAgent[] = [];

async function startTestAgent(overrides: Partial<StartAgentConfig> = {}): Promise<RunningAgent> {
  const started = await startAgent({
    controlPlanePublicKey: controlPlane.publicKey.encoded,
    keyFile: join(tmp, crypto.randomUUID(), 'agent.key'),
    listen: { port: 0 },
    docker,
    ...overrides,
  });
  agents.push(started);
  return started;
}

function clientFor(target: RunningAgent, signer: KeyPair = controlPlane, fetchImpl?: typeof fetch): HostClient {
  return createAgentClient({
    privateKey: signer.privateKey,
    publicKey: signer.publicKey.encoded,
    clock: Date.now,
    timeoutMs: 10_000,
    ...(fetchImpl ? { fetch: fetchImpl } : {}),
  }).forHost({ url: target.url, agentPublicKey: target.publicKey.encoded }, 'alice');
}

/** Our own containers as the agent lists them (other tests share this engine). */
async function ourContainers(): Promise<ContainerSummary[]> {
  const result = await client.listContainers();
  if (!result.ok) throw new Error(`listContainers failed: ${result.message}`);
  return result.data.filter((container) => container.labels['berth.test.run'] === runId).sort((a, b) => a.name.localeCompare(b.name));
}

/** A correctly signed GET, sent by hand so the test controls every header. */
async function signedGet(target: RunningAgent, path: string, agentId = target.publicKey.keyId) {
  return signRequest({
    signer: controlPlane,
    method: 'GET',
    pathAndQuery: path,
    agentId,
    actor: 'alice',
    commandId: crypto.randomUUID(),
    timestamp: Date.now(),
  });
}

beforeAll(async () => {
  // The image is built by test/images/build.sh, possibly still running: wait for it.
  await vi.waitFor(() => docker.getImage(IMAGE).inspect(), { timeout: 170_000, interval: 1_000 });
  tmp = await mkdtemp(join(tmpdir(), 'berth-agent-test-'));
  controlPlane = await generateKeyPair();

  const labels = { 'berth.test.run': runId, 'berth.workspace': 'alice' };
  running = await docker.createContainer({
    name: `berth-test-agent-${runId}-web`,
    Image: IMAGE,
    Cmd: ['sleep', '3600'],
    Labels: labels,
    ExposedPorts: { '8080/tcp': {} },
    HostConfig: { PortBindings: { '8080/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] } },
  });
  created = await docker.createContainer({ name: `berth-test-agent-${runId}-idle`, Image: IMAGE, Cmd: ['true'], Labels: labels });
  await running.start();
  await vi.waitFor(async () => expect((await running.inspect()).State.Running).toBe(true));

  agent = await startTestAgent();
  client = clientFor(agent);
});

afterAll(async () => {
  await Promise.all(agents.map((started) => started.close()));
  await Promise.all([running, created].filter(Boolean).map((container) => container.remove({ force: true }).catch(() => {})));
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('agent endpoints against Docker', () => {
  test('a container started by the test is listed with its name, image, state and ports', async () => {
    const inspect = await running.inspect();
    const hostPort = Number(inspect.NetworkSettings.Ports['8080/tcp']?.[0]?.HostPort);
    expect(hostPort).toBeGreaterThan(0);

    const [web, idle] = await ourContainers().then((list) => [
      list.find((container) => container.id === running.id),
      list.find((container) => container.id === created.id),
    ]);
    expect(web).toMatchObject({
      name: `berth-test-agent-${runId}-web`,
      image: IMAGE,
      imageId: inspect.Image,
      command: 'sleep 3600',
      state: 'running',
      status: expect.stringMatching(/^Up /),
      labels: { 'berth.test.run': runId, 'berth.workspace': 'alice' },
    });
    expect(web?.ports).toContainEqual({ ip: '127.0.0.1', privatePort: 8080, publicPort: hostPort, type: 'tcp' });
    expect(Math.abs((web?.created ?? 0) - Date.now() / 1000)).toBeLessThan(600);
    // Stopped containers are listed too.
    expect(idle).toMatchObject({ name: `berth-test-agent-${runId}-idle`, state: 'created', status: 'Created', ports: [] });
  });

  test('info reports the agent id, host name and Docker version', async () => {
    const [version, info] = await Promise.all([docker.version(), docker.info()]);
    const result = await client.info();
    expect(result).toEqual({
      ok: true,
      data: {
        agentId: agent.publicKey.keyId,
        hostname: info.Name,
        dockerVersion: version.Version,
        apiVersion: version.ApiVersion,
        os: version.Os,
        arch: version.Arch,
        containers: expect.any(Number),
        images: expect.any(Number),
      },
    });
  });

  test('images are listed with their tags', async () => {
    const imageId = (await docker.getImage(IMAGE).inspect()).Id;
    const result = await client.listImages();
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.data.find((image) => image.id === imageId)).toMatchObject({
      repoTags: expect.arrayContaining([IMAGE]),
      size: expect.any(Number),
      created: expect.any(Number),
    });
  });
});

describe('the signed channel over the network', () => {
  test('a request signed with another key is refused 401 with the reason, and nothing changes', async () => {
    const before = await ourContainers();
    const stranger = await generateKeyPair();
    const refused = await clientFor(agent, stranger).listContainers();
    expect(refused).toMatchObject({ ok: false, kind: 'rejected', status: 401, code: 'unknown-key', message: expect.stringMatching(/^Unknown key/) });
    // Even claiming the trusted key id does not help.
    const forged = await signRequest({
      signer: stranger,
      method: 'POST',
      pathAndQuery: AGENT_PATHS.containers,
      agentId: agent.publicKey.keyId,
      actor: 'mallory',
      commandId: crypto.randomUUID(),
      timestamp: Date.now(),
    });
    forged.headers[BERTH_HEADERS.keyId] = controlPlane.publicKey.keyId;
    const response = await fetch(agent.url + AGENT_PATHS.containers, { method: 'POST', headers: forged.headers });
    expect(response.status).toBe(401);
    expect(((await response.json()) as AgentError).error.code).toBe('bad-signature');
    expect(await ourContainers()).toEqual(before);
  });

  test('a request replayed to the agent restarted since (its nonces forgotten) is refused 401, though still fresh', async () => {
    const keyFile = join(tmp, crypto.randomUUID(), 'agent.key');
    const before = await startTestAgent({ keyFile });
    const { headers } = await signedGet(before, AGENT_PATHS.containers);
    const first = await fetch(before.url + AGENT_PATHS.containers, { headers });
    expect(first.status).toBe(200);
    await first.arrayBuffer();
    await before.close();

    const after = await startTestAgent({ keyFile });
    expect(after.publicKey.keyId).toBe(before.publicKey.keyId);
    const replay = await fetch(after.url + AGENT_PATHS.containers, { headers });
    expect(replay.status).toBe(401);
    expect(((await replay.json()) as AgentError).error.code).toBe('signed-before-start');
  });

  test('a replayed request (same nonce) is refused 401 naming the reason', async () => {
    const { headers, nonce } = await signedGet(agent, AGENT_PATHS.containers);
    const first = await fetch(agent.url + AGENT_PATHS.containers, { headers });
    expect(first.status).toBe(200);
    await first.arrayBuffer();

    const replay = await fetch(agent.url + AGENT_PATHS.containers, { headers });
    const body = new Uint8Array(await replay.arrayBuffer());
    expect(replay.status).toBe(401);
    expect(JSON.parse(new TextDecoder().decode(body))).toEqual({
      error: { code: 'replayed-nonce', message: expect.stringMatching(/^Replayed nonce/) },
    });
    // The refusal itself is signed by the agent.
    const check = await verifyResponse(agent.publicKey.cryptoKey, replay.headers.get(BERTH_HEADERS.responseSignature), {
      requestNonce: nonce,
      status: 401,
      body,
    });
    expect(check.ok).toBe(true);
  });

  test('a request addressed to one agent is refused by another', async () => {
    const other = await startTestAgent();
    const { headers } = await signedGet(other, AGENT_PATHS.info, agent.publicKey.keyId);
    const response = await fetch(other.url + AGENT_PATHS.info, { headers });
    expect(response.status).toBe(401);
    expect(((await response.json()) as AgentError).error.code).toBe('wrong-agent');
  });

  test('an agent started with a different control-plane key refuses every request', async () => {
    const otherControlPlane = await generateKeyPair();
    const other = await startTestAgent({ controlPlanePublicKey: otherControlPlane.publicKey.encoded });
    const ours = clientFor(other);
    const refused = { ok: false, kind: 'rejected', status: 401, code: 'unknown-key' };
    expect(await ours.info()).toMatchObject(refused);
    expect(await ours.listContainers()).toMatchObject(refused);
    expect(await ours.listImages()).toMatchObject(refused);
    expect(await ours.request('POST', AGENT_PATHS.containers, { name: 'x' })).toMatchObject(refused);
    expect(await ours.request('DELETE', `/v1/containers/${running.id}`)).toMatchObject(refused);
    expect((await running.inspect()).State.Running).toBe(true);
  });

  test('a response tampered with on the way is "unverified", not success', async () => {
    const tampering: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      const text = await response.text();
      return new Response(text.replace(`"${running.id}"`, `"${'0'.repeat(64)}"`), response);
    };
    const result = await clientFor(agent, controlPlane, tampering).listContainers();
    expect(result).toMatchObject({ ok: false, kind: 'unverified', status: 200, message: expect.stringMatching(/^Outcome unknown/) });
  });
});

describe('agent keys and start-up', () => {
  test('the key file is created 0600 in a 0700 directory and reused across restarts', async () => {
    const keyFile = join(tmp, 'restart', 'nested', 'agent.key');
    const first = await startTestAgent({ keyFile });
    expect(first.keyCreated).toBe(true);
    expect((await stat(keyFile)).mode & 0o777).toBe(0o600);
    expect((await stat(dirname(keyFile))).mode & 0o777).toBe(0o700);
    expect(await readFile(keyFile, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    await first.close();

    const second = await startTestAgent({ keyFile });
    expect(second.keyCreated).toBe(false);
    expect(second.publicKey.encoded).toBe(first.publicKey.encoded);
    // The enrolled key still works against the restarted agent.
    expect(await clientFor({ ...second, publicKey: first.publicKey }).info()).toMatchObject({ ok: true });
  });

  test('a key file readable by group or others is refused', async () => {
    const keyFile = join(tmp, 'loose', 'agent.key');
    await (await startTestAgent({ keyFile })).close();
    await chmod(keyFile, 0o640);
    await expect(startTestAgent({ keyFile })).rejects.toThrow(AgentStartError);
    await expect(startTestAgent({ keyFile })).rejects.toThrow(/readable by group or others \(mode 640\)/);
  });

  test('a missing Docker socket stops the start with one clear sentence', async () => {
    const start = startAgent({
      controlPlanePublicKey: controlPlane.publicKey.encoded,
      keyFile: join(tmp, 'no-docker', 'agent.key'),
      listen: { port: 0 },
      dockerSocket: join(tmp, 'missing.sock'),
    });
    await expect(start).rejects.toThrow(AgentStartError);
    await expect(start).rejects.toThrow(/^No Docker socket at .*missing\.sock/);
  });

  const hasOpenssl = (() => {
    try {
      execFileSync('openssl', ['version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();

  test.skipIf(!hasOpenssl)('with a certificate the agent serves HTTPS and reports the fingerprint to pin', async () => {
    const certFile = join(tmp, 'tls-cert.pem');
    const keyFile = join(tmp, 'tls-key.pem');
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
      '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', keyFile, '-out', certFile,
    ], { stdio: 'ignore' });
    const cert = await readFile(certFile, 'utf8');
    const secure = await startTestAgent({ tls: { certFile, keyFile } });
    expect(secure.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(secure.tlsFingerprint).toBe(new X509Certificate(cert).fingerprint256);

    const { headers } = await signedGet(secure, AGENT_PATHS.info);
    const status = await new Promise<number>((resolve, reject) => {
      httpsRequest(secure.url + AGENT_PATHS.info, { ca: cert, headers }, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      })
        .on('error', reject)
        .end();
    });
    expect(status).toBe(200);
  });
});
