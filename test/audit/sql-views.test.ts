import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HashedAuditFields } from '../../db/audit/hash.ts';
import { createAuditorAccount } from '../../db/grants.ts';
import { users } from '../../db/schema.ts';
import { recordAuditEvent } from '../support/audit-records.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

/**
 * The README's example queries, read from the README itself (each SQL block
 * after an `<!-- audit-query: name -->` marker), run by a real auditor
 * account against the views over a known trail.
 */
const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
const queries = new Map(
  [...readme.matchAll(/<!-- audit-query: ([\w-]+) -->\s*```sql\n([\s\S]*?)```/g)].map((m) => [m[1]!, m[2]!.trim()]),
);

let db: TestDatabase;
let auditor: mysql.Connection;
const auditorUser = `auditor_${randomBytes(4).toString('hex')}`;
const hour = 3_600_000;
const now = Date.now();

type Seed = Partial<HashedAuditFields> & { hoursAgo: number };
const user = (name: string, id: number) => ({ actorType: 'user' as const, actorName: name, actorId: id });
const login = (name: string, ip: string) => ({ actorType: 'user' as const, actorId: null, actorName: name, action: 'user.login', clientIp: ip });
const web = { targetKind: 'container', targetName: 'web', targetId: '3f2a9c1111aa' };

const seeds = {
  webCreate: { ...user('alice', 1), action: 'container.create', ...web, hoursAgo: 72 },
  webStart: { ...user('alice', 1), action: 'container.start', ...web, hoursAgo: 71 },
  webRemove: { ...user('alice', 1), action: 'container.remove', ...web, hoursAgo: 48 },
  webOldRemoveFailed: { ...user('alice', 1), action: 'container.remove', outcome: 'failure', targetKind: 'container', targetName: 'web-old', targetId: '3f2a9c9999bb', hoursAgo: 20 },
  webKillDenied: { ...user('bob', 2), action: 'container.kill', outcome: 'denied', ...web, hoursAgo: 2 },
  carolDeleted: { ...user('root', 3), action: 'user.delete', targetKind: 'user', targetName: 'carol', targetId: '4', hoursAgo: 1 },
  oldImageRemove: { ...user('alice', 1), action: 'image.remove', targetKind: 'image', targetName: 'busybox:old', hoursAgo: 240 },
  apiStop: { ...user('carol', 4), action: 'container.stop', targetKind: 'container', targetName: 'api', targetId: 'aaaa0000', hoursAgo: 5 },
  imageNamedWeb: { ...user('alice', 1), action: 'image.tag', targetKind: 'image', targetName: 'web', hoursAgo: 3 },
  externalRemove: { actorType: 'external', actorName: 'external', action: 'container.remove', targetKind: 'container', targetName: 'tmp', hoursAgo: 12 },
  login1: { ...login('alice', '198.51.100.7'), outcome: 'failure', hoursAgo: 6 },
  login2: { ...login('admin', '198.51.100.7'), outcome: 'failure', hoursAgo: 5 },
  login3: { ...login('admin', '198.51.100.7'), outcome: 'failure', hoursAgo: 4 },
  login4: { ...login('bob', '203.0.113.5'), outcome: 'failure', hoursAgo: 3 },
  loginThrottled: { ...login('bob', '203.0.113.5'), outcome: 'denied', hoursAgo: 2.5 },
  loginOk: { ...user('alice', 1), action: 'user.login', clientIp: '198.51.100.7', hoursAgo: 1 },
  oldDenial: { ...user('alice', 1), action: 'container.start', outcome: 'denied', targetKind: 'container', targetName: 'db', hoursAgo: 30 },
} satisfies Record<string, Seed>;
type SeedName = keyof typeof seeds;

const atOf = (name: SeedName) => new Date(now - seeds[name].hoursAgo * hour);
/** How mysql2 prints a DATETIME(3) with dateStrings: `2026-03-10 12:00:00.000`. */
const sqlTime = (name: SeedName) => atOf(name).toISOString().replace('T', ' ').replace('Z', '');

beforeAll(async () => {
  db = await createTestDatabase();
  // Users 1-4 as the seeds name them; audit_log joins their current role.
  for (const [username, role] of [['alice', 'user'], ['bob', 'user'], ['root', 'admin'], ['carol', 'user']] as const) {
    await db.db.insert(users).values({ username, role, passwordHash: 'test-only', createdAt: new Date(now) });
  }
  // Chain order is time order here, as in life.
  const ordered = (Object.keys(seeds) as SeedName[]).sort((a, b) => seeds[b].hoursAgo - seeds[a].hoursAgo);
  for (const name of ordered) {
    const { hoursAgo: _, ...fields } = seeds[name] as Seed;
    await recordAuditEvent(db.db, { message: `${name}.`, at: atOf(name), ...fields });
  }
  const password = randomBytes(16).toString('hex');
  await createAuditorAccount(db.url, { user: auditorUser, password, host: '%' });
  const url = new URL(db.url);
  url.username = auditorUser;
  url.password = password;
  auditor = await mysql.createConnection({ uri: url.toString(), dateStrings: true });
});
afterAll(async () => {
  await auditor?.end();
  const owner = await mysql.createConnection({ uri: db.url });
  await owner.query("DROP USER IF EXISTS ?@'%'", [auditorUser]);
  await owner.end();
  await db.drop();
});

async function run(name: string): Promise<mysql.RowDataPacket[]> {
  const sql = queries.get(name);
  if (!sql) throw new Error(`README.md has no query marked <!-- audit-query: ${name} -->`);
  const [rows] = await auditor.query<mysql.RowDataPacket[]>(sql);
  return rows;
}

describe("the README's audit queries, run by the auditor account", () => {
  it('are the five documented ones', () => {
    expect([...queries.keys()].sort()).toEqual(
      ['actions-per-user-per-day', 'container-history', 'deleted-this-week', 'denials-last-24h', 'failed-logins-by-address'].sort(),
    );
  });

  it('who deleted what this week: successful removals and deletions of the last 7 days, newest first', async () => {
    const rows = await run('deleted-this-week');
    expect(rows.map((r) => [r.at, r.actor, r.action, r.target_name])).toEqual([
      [sqlTime('carolDeleted'), 'root', 'user.delete', 'carol'],
      [sqlTime('externalRemove'), 'external', 'container.remove', 'tmp'],
      [sqlTime('webRemove'), 'alice', 'container.remove', 'web'],
    ]);
  });

  it('failed logins by address: failures and throttled attempts, with the names tried', async () => {
    const rows = await run('failed-logins-by-address');
    expect(rows.map((r) => [r.client_ip, Number(r.failures), Number(r.names_tried), r.first_at, r.last_at])).toEqual([
      ['198.51.100.7', 3, 2, sqlTime('login1'), sqlTime('login3')],
      ['203.0.113.5', 2, 1, sqlTime('login4'), sqlTime('loginThrottled')],
    ]);
  });

  it("actions per user per day: every signed-in user's records (not names tried at the login form), counted per UTC day", async () => {
    const expected = new Map<string, number>();
    for (const name of Object.keys(seeds) as SeedName[]) {
      const seed = seeds[name] as Seed;
      if (seed.actorType !== 'user' || seed.actorId == null) continue;
      const key = `${atOf(name).toISOString().slice(0, 10)} ${seed.actorName}`;
      expected.set(key, (expected.get(key) ?? 0) + 1);
    }
    const rows = await run('actions-per-user-per-day');
    expect(new Map(rows.map((r) => [`${r.day} ${r.actor}`, Number(r.actions)]))).toEqual(expected);
    expect(rows.map((r) => r.actor)).not.toContain('external');
    const days = rows.map((r) => String(r.day));
    expect(days).toEqual([...days].sort().reverse());
  });

  it('denials in the last 24 hours, newest first', async () => {
    const rows = await run('denials-last-24h');
    expect(rows.map((r) => [r.at, r.actor, r.action])).toEqual([
      [sqlTime('webKillDenied'), 'bob', 'container.kill'],
      [sqlTime('loginThrottled'), 'bob', 'user.login'],
    ]);
  });

  it('everything done to one container, by name or id prefix, oldest first', async () => {
    const rows = await run('container-history');
    expect(rows.map((r) => [r.at, r.actor, r.action, r.outcome])).toEqual([
      [sqlTime('webCreate'), 'alice', 'container.create', 'success'],
      [sqlTime('webStart'), 'alice', 'container.start', 'success'],
      [sqlTime('webRemove'), 'alice', 'container.remove', 'success'],
      [sqlTime('webOldRemoveFailed'), 'alice', 'container.remove', 'failure'],
      [sqlTime('webKillDenied'), 'bob', 'container.kill', 'denied'],
    ]);
  });

  it('audit_log shows the readable columns, with the acting user’s current role', async () => {
    const [rows] = await auditor.query<mysql.RowDataPacket[]>("SELECT * FROM audit_log WHERE action = 'user.delete'");
    expect(Object.keys(rows[0]!)).toEqual([
      'id', 'at', 'actor', 'actor_type', 'actor_id', 'actor_role', 'action', 'outcome', 'host',
      'target_kind', 'target_id', 'target_name', 'message', 'client_ip', 'request_id', 'detail',
    ]);
    expect(rows[0]).toMatchObject({ actor: 'root', actor_id: 3, actor_role: 'admin', target_name: 'carol' });
  });
});
