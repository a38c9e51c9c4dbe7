// The admin hosts page with real agents on this machine's Docker engine.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { asc, eq, gt } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { generateKeyPair } from '../../agent/protocol/keys.ts';
import { startAgent, type RunningAgent } from '../../agent/server/start-agent.ts';
import { auditEvents, hosts, resources } from '../../db/schema.ts';
import { agentStartCommand } from '../../functions/hosts/agent-command.ts';
import { syncAllHosts } from '../../functions/sync/sync-all-hosts.ts';
import { createSignedInUser, createTestApp, testAgentClient, testLogger } from '../support/app.ts';
import { createTestDatabase, truncateAll, type TestDatabase } from '../support/database.ts';

const BIN = join(import.meta.dirname, '../../bin/berth-agent.js');
let db: TestDatabase;
let tmp: string;
let controlPlane: Awaited<ReturnType<typeof testAgentClient>>;
const running: RunningAgent[] = [];
const { publicKey: validKey } = await generateKeyPair();

async function agentOnMainEngine(name: string, port = 0): Promise<RunningAgent> {
  const agent = await startAgent({
    controlPlanePublicKey: controlPlane.keys.publicKey.encoded,
    keyFile: join(tmp, `${name}.key`),
    listen: { port },
  });
  running.push(agent);
  return agent;
}

async function testApp() {
  return createTestApp({ db, agents: controlPlane.agents, controlPlanePublicKey: controlPlane.keys.publicKey.encoded });
}

async function auditSince(id = 0) {
  return db.db.select().from(auditEvents).where(gt(auditEvents.id, id)).orderBy(asc(auditEvents.id));
}

async function lastAuditId() {
  const rows = await auditSince();
  return rows.at(-1)?.id ?? 0;
}

function rowOf(html: string, name: string): string {
  return new RegExp(`<tr data-host="${name}">[\\s\\S]*?</tr>`).exec(html)?.[0] ?? '';
}

beforeAll(async () => {
  db = await createTestDatabase();
  tmp = await mkdtemp(join(tmpdir(), 'berth-hosts-'));
  controlPlane = await testAgentClient();
});
afterAll(async () => {
  await Promise.all(running.map((agent) => agent.close()));
  await rm(tmp, { recursive: true, force: true });
  await db.drop();
});
beforeEach(async () => {
  await truncateAll(db);
});

describe('hosts page access', () => {
  it('is for administrators only: every route refuses a user, and each refusal is recorded under its action', async () => {
    const { request, postForm } = await testApp();
    const user = await createSignedInUser(db, 'plainuser');
    const attempts = [
      { res: () => request('/hosts', { cookie: user.cookie }), action: 'access.admin' },
      { res: () => postForm('/hosts', { name: 'x', agentUrl: 'http://127.0.0.1:1', agentPublicKey: 'k' }, { cookie: user.cookie }), action: 'host.add' },
      { res: () => postForm('/hosts/x/rename', { name: 'y' }, { cookie: user.cookie }), action: 'host.rename' },
      { res: () => request('/hosts/x', { method: 'DELETE', cookie: user.cookie }), action: 'host.remove' },
    ];
    for (const { res, action } of attempts) {
      const before = await lastAuditId();
      const answer = await res();
      expect(answer.status).toBe(403);
      expect((await auditSince(before)).map((e) => [e.action, e.outcome, e.actorName])).toEqual([[action, 'denied', 'plainuser']]);
    }
  });
});

describe('hosts page', () => {
  it("lists each host with its status, last seen, Docker version and counts, and shows the control plane's key and agent command", async () => {
    const agent = await agentOnMainEngine('listed');
    await db.db.insert(hosts).values({ name: 'main-engine', agentUrl: agent.url, agentPublicKey: agent.publicKey.encoded, createdAt: new Date() });
    const { request } = await testApp();
    const admin = await createSignedInUser(db, 'pageadmin', 'admin');

    const res = await request('/hosts', { cookie: admin.cookie });
    expect(res.status).toBe(200);
    const html = await res.text();
    const row = rowOf(html, 'main-engine');
    expect(row).toContain('data-status="up"');
    const version = (await promisify(execFile)('docker', ['version', '--format', '{{.Server.Version}}'])).stdout.trim();
    expect(row).toContain(`<td>${version}</td>`);
    expect(row).toMatch(/<td>\d+<\/td><td>\d+<\/td>/);
    expect(row).toMatch(/<time datetime="[^"]+">/);
    const key = controlPlane.keys.publicKey.encoded;
    expect(html).toContain(`<code data-testid="control-plane-key">${key}</code>`);
    expect(html).toContain(agentStartCommand(key));
    const [stored] = await db.db.select().from(hosts);
    expect(stored).toMatchObject({ lastStatus: 'up' });
    expect(stored?.lastSeenAt).toBeInstanceOf(Date);
  });

  it("prints an agent command in the agent's own terms: each of its flags is one the agent's --help describes", async () => {
    const help = (await promisify(execFile)(process.execPath, [BIN, '--help'])).stdout;
    const command = agentStartCommand(controlPlane.keys.publicKey.encoded);
    expect(command).toMatch(/^node bin\/berth-agent\.js /);
    // Flags start a word; a "--" inside the key is not one.
    const flags = command.match(/(?<=\s)--[a-z-]+/g) ?? [];
    expect(flags).toEqual(['--listen', '--control-plane-key']);
    for (const flag of flags) expect(help).toContain(flag);
    expect(help).toContain('HOST:PORT');
  });
});

describe('adding a host', () => {
  it('enrolls a host by name, agent URL and key: its row comes back live, and the addition is recorded', async () => {
    const agent = await agentOnMainEngine('added');
    const { postForm } = await testApp();
    const admin = await createSignedInUser(db, 'addadmin', 'admin');
    const res = await postForm(
      '/hosts',
      { name: 'build-01', agentUrl: `${agent.url}/`, agentPublicKey: ` ${agent.publicKey.encoded} ` },
      { cookie: admin.cookie, htmx: true },
    );
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(rowOf(html, 'build-01')).toContain('data-status="up"');
    expect(html).toContain('Host build-01 added.');
    const [stored] = await db.db.select().from(hosts);
    expect(stored).toMatchObject({ name: 'build-01', agentUrl: agent.url, agentPublicKey: agent.publicKey.encoded });
    const records = await auditSince();
    expect(records.map((e) => [e.action, e.outcome, e.actorName, e.hostName])).toEqual([['host.add', 'success', 'addadmin', 'build-01']]);
    expect(records[0]?.detail).toMatchObject({ agentUrl: agent.url, agentKeyId: agent.publicKey.keyId });
  });

  it('without JavaScript, goes back to the hosts page', async () => {
    const { postForm } = await testApp();
    const admin = await createSignedInUser(db, 'nojsadmin', 'admin');
    const { publicKey } = await generateKeyPair();
    const res = await postForm('/hosts', { name: 'nojs', agentUrl: 'http://127.0.0.1:9', agentPublicKey: publicKey.encoded }, { cookie: admin.cookie });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/hosts');
  });

  const valid = { name: 'ok-host', agentUrl: 'http://127.0.0.1:7171', agentPublicKey: validKey.encoded };
  it.each([
    ['an empty name', { name: '' }, 'Give the host a name'],
    ['capitals', { name: 'Build' }, 'lowercase letters'],
    ['a leading dash', { name: '-x' }, 'lowercase letters'],
    ['markup in the name', { name: '<script>x</script>' }, 'lowercase letters'],
    ['a 64-character name', { name: 'a'.repeat(64) }, 'lowercase letters'],
    ['no URL', { agentUrl: '' }, "Give the agent's URL"],
    ['not a URL', { agentUrl: 'agent one' }, 'is not a URL'],
    ['another scheme', { agentUrl: 'ftp://10.0.0.5:7171' }, 'http:// or https://'],
    ['a script URL', { agentUrl: 'javascript:alert(1)' }, 'http:// or https://'],
    ['a path', { agentUrl: 'http://10.0.0.5:7171/v1' }, 'no path'],
    ['a query', { agentUrl: 'http://10.0.0.5:7171/?a=b' }, 'no path'],
    ['credentials', { agentUrl: 'http://u:p@10.0.0.5:7171' }, 'no path'],
    ['no key', { agentPublicKey: '' }, 'Paste the public key'],
    ['a short key', { agentPublicKey: 'abc' }, 'not an agent public key'],
    ['a private key', { agentPublicKey: '-----BEGIN PRIVATE KEY-----' }, 'not an agent public key'],
  ])('refuses %s with a clear message, a 422 and a failure record, and adds nothing', async (_, change, message) => {
    const { postForm } = await testApp();
    const admin = await createSignedInUser(db, `valadmin${Math.random().toString(36).slice(2, 8)}`, 'admin');
    const res = await postForm('/hosts', { ...valid, ...change }, { cookie: admin.cookie, htmx: true });
    expect(res.status).toBe(422);
    expect(res.headers.get('hx-retarget')).toBe('#messages');
    const html = await res.text();
    expect(html).toContain(message.replace("'", '&#39;'));
    expect(html).not.toContain('<script>x');
    expect(await db.db.select().from(hosts)).toEqual([]);
    expect((await auditSince()).map((e) => [e.action, e.outcome])).toEqual([['host.add', 'failure']]);
  });

  it('refuses a name in use, and an agent key already enrolled under another name', async () => {
    const { postForm } = await testApp();
    const admin = await createSignedInUser(db, 'dupadmin', 'admin');
    const [{ publicKey: a }, { publicKey: b }] = await Promise.all([generateKeyPair(), generateKeyPair()]);
    expect((await postForm('/hosts', { name: 'first', agentUrl: 'http://127.0.0.1:9', agentPublicKey: a.encoded }, { cookie: admin.cookie })).status).toBe(303);

    const sameName = await postForm('/hosts', { name: 'first', agentUrl: 'http://127.0.0.1:9', agentPublicKey: b.encoded }, { cookie: admin.cookie, htmx: true });
    expect(sameName.status).toBe(409);
    expect(await sameName.text()).toContain('There is already a host named first.');
    const sameKey = await postForm('/hosts', { name: 'second', agentUrl: 'http://127.0.0.1:9', agentPublicKey: a.encoded }, { cookie: admin.cookie, htmx: true });
    expect(sameKey.status).toBe(409);
    expect(await sameKey.text()).toContain('already enrolled as host first');
    expect((await db.db.select().from(hosts)).map((h) => h.name)).toEqual(['first']);
    expect((await auditSince()).map((e) => [e.action, e.outcome])).toEqual([
      ['host.add', 'success'],
      ['host.add', 'failure'],
      ['host.add', 'failure'],
    ]);
  });
});

describe('renaming and removing a host', () => {
  async function enrolled(name: string) {
    const { publicKey } = await generateKeyPair();
    await db.db.insert(hosts).values({ name, agentUrl: 'http://127.0.0.1:9', agentPublicKey: publicKey.encoded, createdAt: new Date() });
    const [row] = await db.db.select().from(hosts).where(eq(hosts.name, name));
    return row!;
  }

  it('renames a host: its row comes back under the new name, and the change is recorded with both names', async () => {
    const host = await enrolled('old-name');
    const { postForm } = await testApp();
    const admin = await createSignedInUser(db, 'renameadmin', 'admin');
    const res = await postForm('/hosts/old-name/rename', { name: 'new-name' }, { cookie: admin.cookie, htmx: true });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(rowOf(html, 'new-name')).toContain('hx-post="/hosts/new-name/rename"');
    expect(html).toContain('Host old-name is now new-name.');
    expect((await db.db.select().from(hosts)).map((h) => [h.id, h.name])).toEqual([[host.id, 'new-name']]);
    const [record] = await auditSince();
    expect(record).toMatchObject({ action: 'host.rename', outcome: 'success', hostId: host.id, hostName: 'new-name' });
    expect(record?.detail).toEqual({ from: 'old-name', to: 'new-name' });
  });

  it('refuses a taken or malformed new name and an unknown host, each recorded once', async () => {
    await enrolled('alpha');
    await enrolled('beta');
    const { postForm } = await testApp();
    const admin = await createSignedInUser(db, 'renamefail', 'admin');
    const taken = await postForm('/hosts/alpha/rename', { name: 'beta' }, { cookie: admin.cookie, htmx: true });
    expect(taken.status).toBe(409);
    const malformed = await postForm('/hosts/alpha/rename', { name: 'Beta!' }, { cookie: admin.cookie, htmx: true });
    expect(malformed.status).toBe(422);
    const unknown = await postForm('/hosts/gamma/rename', { name: 'delta' }, { cookie: admin.cookie, htmx: true });
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain('There is no host named &quot;gamma&quot;.');
    expect((await db.db.select().from(hosts)).map((h) => h.name).sort()).toEqual(['alpha', 'beta']);
    expect((await auditSince()).map((e) => [e.action, e.outcome, e.targetName])).toEqual([
      ['host.rename', 'failure', 'alpha'],
      ['host.rename', 'failure', 'alpha'],
      ['host.rename', 'failure', 'gamma'],
    ]);
  });

  it('removes a host with its ownership rows; the audit trail keeps its records', async () => {
    const host = await enrolled('doomed');
    const keep = await enrolled('kept');
    const now = new Date();
    const row = { kind: 'container' as const, workspace: 'public', origin: 'preexisting' as const, createdBy: null, name: 'c', createdAt: now };
    await db.db.insert(resources).values([
      { ...row, hostId: host.id, dockerId: 'a'.repeat(64) },
      { ...row, hostId: host.id, dockerId: 'b'.repeat(64) },
      { ...row, hostId: keep.id, dockerId: 'a'.repeat(64) },
    ]);
    const { request, postForm } = await testApp();
    const admin = await createSignedInUser(db, 'removeadmin', 'admin');
    await postForm('/hosts/doomed/rename', { name: 'doomed' }, { cookie: admin.cookie, htmx: true });

    const res = await request('/hosts/doomed', { method: 'DELETE', cookie: admin.cookie, htmx: true });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).not.toContain('<tr');
    expect(html).toContain('hx-swap-oob');
    expect(html).toContain('Host doomed removed.');
    expect((await db.db.select().from(hosts)).map((h) => h.name)).toEqual(['kept']);
    expect((await db.db.select().from(resources)).map((r) => r.hostId)).toEqual([keep.id]);
    const records = await auditSince();
    expect(records.map((e) => [e.action, e.outcome, e.hostId, e.hostName])).toEqual([
      ['host.rename', 'success', host.id, 'doomed'],
      ['host.remove', 'success', host.id, 'doomed'],
    ]);
    expect(records[1]?.detail).toMatchObject({ ownershipRows: 2 });

    const again = await request('/hosts/doomed', { method: 'DELETE', cookie: admin.cookie, htmx: true });
    expect(again.status).toBe(404);
    expect((await auditSince(records[1]!.id)).map((e) => [e.action, e.outcome])).toEqual([['host.remove', 'failure']]);
  });
});

describe('host status', () => {
  it('follows the agent down and back, recorded once per change however many pages and syncs see it at once', async () => {
    const agent = await agentOnMainEngine('flapping');
    await db.db.insert(hosts).values({ name: 'flapping', agentUrl: agent.url, agentPublicKey: agent.publicKey.encoded, createdAt: new Date() });
    const { request } = await testApp();
    const admin = await createSignedInUser(db, 'statusadmin', 'admin');
    const sync = { db: db.db, agents: controlPlane.agents, clock: Date.now, logger: testLogger() };
    const everyone = () =>
      Promise.all([
        request('/hosts', { cookie: admin.cookie }),
        request('/hosts', { cookie: admin.cookie }),
        request('/healthz'),
        request('/healthz'),
        syncAllHosts(sync),
        syncAllHosts(sync),
      ]);

    const reachability = async () => (await auditSince()).filter((e) => e.action === 'host.reachability');
    await everyone();
    expect(await reachability(), 'first contact is no change').toEqual([]);
    const [seen] = await db.db.select().from(hosts);
    expect(seen?.lastStatus).toBe('up');

    await agent.close();
    await everyone();
    const [down] = await db.db.select().from(hosts);
    expect(down).toMatchObject({ lastStatus: 'down', lastSeenAt: seen?.lastSeenAt });
    const page = await (await request('/hosts', { cookie: admin.cookie })).text();
    expect(rowOf(page, 'flapping')).toContain('data-status="down"');
    expect(page).toContain('Host flapping is unreachable: ');

    // Same key file, same port: the control plane finds it again by itself.
    await agentOnMainEngine('flapping', Number(new URL(agent.url).port));
    await everyone();
    const [back] = await db.db.select().from(hosts);
    expect(back?.lastStatus).toBe('up');
    expect(back!.lastSeenAt!.getTime()).toBeGreaterThan(seen!.lastSeenAt!.getTime());
    expect((await reachability()).map((e) => [e.action, e.outcome, e.actorType, e.hostName, e.message])).toEqual([
      ['host.reachability', 'failure', 'system', 'flapping', expect.stringMatching(/^Host flapping is unreachable: /)],
      ['host.reachability', 'success', 'system', 'flapping', 'Host flapping answers again.'],
    ]);
  });

  it('is kept by the background sync alone: an unreachable host is marked down, recorded once', async () => {
    const { publicKey } = await generateKeyPair();
    // Nothing listens on the discard port.
    await db.db.insert(hosts).values({ name: 'gone', agentUrl: 'http://127.0.0.1:9', agentPublicKey: publicKey.encoded, createdAt: new Date() });
    const logger = testLogger();
    const sync = { db: db.db, agents: controlPlane.agents, clock: Date.now, logger };
    await syncAllHosts(sync);
    await syncAllHosts(sync);
    const [gone] = await db.db.select().from(hosts);
    expect(gone).toMatchObject({ lastStatus: 'down', lastSeenAt: null });
    expect((await auditSince()).map((e) => [e.action, e.outcome, e.actorType, e.hostName])).toEqual([
      ['host.reachability', 'failure', 'system', 'gone'],
    ]);
    expect(logger.lines.filter((l) => l.message === 'sync: host skipped')).toHaveLength(2);
  });
});
