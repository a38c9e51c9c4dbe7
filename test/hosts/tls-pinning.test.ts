// An agent serving HTTPS with a self-signed certificate, reached only through its pinned fingerprint.
import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgentClient, type AgentClient } from '../../agent/client/agent-client.ts';
import { generateKeyPair, type KeyPair } from '../../agent/protocol/keys.ts';
import { startAgent, type RunningAgent } from '../../agent/server/start-agent.ts';
import { hosts } from '../../db/schema.ts';
import { createPinnedFetch } from '../../functions/node/pinned-fetch.ts';
import { createSignedInUser, createTestApp } from '../support/app.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

let tmp: string;
let db: TestDatabase;
let controlPlane: KeyPair;
let agent: RunningAgent;
let tls: { cert: string; key: string; fingerprint: string };
const servers: Server[] = [];
/** A fingerprint of the same shape that is not the agent's. */
const otherFingerprint = Array.from({ length: 32 }, () => 'AB').join(':');

function client(options: { pinned?: boolean; timeoutMs?: number } = {}): AgentClient {
  return createAgentClient({
    privateKey: controlPlane.privateKey,
    publicKey: controlPlane.publicKey.encoded,
    clock: Date.now,
    timeoutMs: options.timeoutMs ?? 5000,
    ...(options.pinned === false ? {} : { pinnedFetch: createPinnedFetch() }),
  });
}

/** An https server with the agent's certificate that counts requests and may never answer. */
async function countingServer(answer: boolean): Promise<{ url: string; requests: () => number }> {
  let requests = 0;
  const server = createServer({ cert: tls.cert, key: tls.key }, (_req, res) => {
    requests++;
    if (answer) res.end('{}');
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`, requests: () => requests };
}

beforeAll(async () => {
  [tmp, db, controlPlane] = await Promise.all([mkdtemp(join(tmpdir(), 'berth-tls-')), createTestDatabase(), generateKeyPair()]);
  const certFile = join(tmp, 'agent.crt');
  const keyFile = join(tmp, 'agent-tls.key');
  await promisify(execFile)('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2',
    '-keyout', keyFile, '-out', certFile, '-subj', '/CN=berth-agent', '-addext', 'subjectAltName=IP:127.0.0.1',
  ]);
  const cert = await readFile(certFile, 'utf8');
  tls = { cert, key: await readFile(keyFile, 'utf8'), fingerprint: new X509Certificate(cert).fingerprint256 };
  agent = await startAgent({
    controlPlanePublicKey: controlPlane.publicKey.encoded,
    keyFile: join(tmp, 'agent.key'),
    listen: { port: 0 },
    tls: { certFile, keyFile },
  });
});
afterAll(async () => {
  await agent?.close();
  for (const server of servers) server.closeAllConnections();
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  await rm(tmp, { recursive: true, force: true });
  await db?.drop();
});

describe('TLS certificate pinning', () => {
  it('reaches an https agent whose self-signed certificate matches the pin', async () => {
    expect(agent.url).toMatch(/^https:\/\//);
    expect(agent.tlsFingerprint).toBe(tls.fingerprint);
    const pinned = client().forHost({ url: agent.url, agentPublicKey: agent.publicKey.encoded, tlsFingerprint: tls.fingerprint }, 'system');
    expect(await pinned.info()).toMatchObject({ ok: true, data: { agentId: agent.publicKey.keyId } });
    expect(await pinned.listImages()).toMatchObject({ ok: true });
  });

  it('refuses another certificate before sending a byte of the request', async () => {
    const server = await countingServer(true);
    const wrong = await client().forHost({ url: server.url, agentPublicKey: agent.publicKey.encoded, tlsFingerprint: otherFingerprint }, 'system').info();
    expect(wrong).toMatchObject({ ok: false, kind: 'unreachable', message: expect.stringContaining('is not the one pinned for this host') });
    expect(server.requests()).toBe(0);
    // The same server with the right pin does get the request (and its unsigned answer is not trusted).
    const right = await client().forHost({ url: server.url, agentPublicKey: agent.publicKey.encoded, tlsFingerprint: tls.fingerprint }, 'system').info();
    expect(right).toMatchObject({ ok: false, kind: 'unverified' });
    expect(server.requests()).toBe(1);
  });

  it('never reaches a pinned host unpinned, and an unpinned client refuses the self-signed certificate', async () => {
    const unpinning = client({ pinned: false });
    expect(
      await unpinning.forHost({ url: agent.url, agentPublicKey: agent.publicKey.encoded, tlsFingerprint: tls.fingerprint }, 'system').info(),
    ).toMatchObject({ ok: false, kind: 'error', message: expect.stringContaining('cannot pin certificates') });
    expect(await unpinning.forHost({ url: agent.url, agentPublicKey: agent.publicKey.encoded }, 'system').info()).toMatchObject({
      ok: false,
      kind: 'unreachable',
    });
  });

  it('keeps the time limit through a pinned connection', async () => {
    const silent = await countingServer(false);
    const started = performance.now();
    const result = await client({ timeoutMs: 500 })
      .forHost({ url: silent.url, agentPublicKey: agent.publicKey.encoded, tlsFingerprint: tls.fingerprint }, 'system')
      .info();
    expect(result).toMatchObject({ ok: false, kind: 'timeout' });
    expect(performance.now() - started).toBeLessThan(1500);
  });

  it('enrolls an https agent with its fingerprint from the hosts page, and shows it up and pinned', async () => {
    const { postForm, request } = await createTestApp({
      db,
      agents: client(),
      controlPlanePublicKey: controlPlane.publicKey.encoded,
    });
    const admin = await createSignedInUser(db, 'tlsadmin', 'admin');
    const form = { name: 'tls-host', agentUrl: agent.url, agentPublicKey: agent.publicKey.encoded };

    const onHttp = await postForm('/hosts', { ...form, agentUrl: agent.url.replace('https:', 'http:'), tlsFingerprint: tls.fingerprint }, { cookie: admin.cookie, htmx: true });
    expect(onHttp.status).toBe(422);
    expect(await onHttp.text()).toContain('https agents only');
    const malformed = await postForm('/hosts', { ...form, tlsFingerprint: 'AB:CD' }, { cookie: admin.cookie, htmx: true });
    expect(malformed.status).toBe(422);

    // As openssl prints it: a prefix, lowercase hex.
    const added = await postForm('/hosts', { ...form, tlsFingerprint: `sha256 Fingerprint=${tls.fingerprint.toLowerCase()}` }, { cookie: admin.cookie, htmx: true });
    expect(added.status).toBe(200);
    const [stored] = await db.db.select().from(hosts);
    expect(stored?.tlsFingerprint).toBe(tls.fingerprint);
    const page = await (await request('/hosts', { cookie: admin.cookie })).text();
    expect(page).toContain('TLS certificate pinned');
    expect(page).toContain('data-status="up"');
  });
});
