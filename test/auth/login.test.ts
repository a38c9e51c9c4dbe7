import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditEvents, loginThrottles, sessions, users } from '../../db/schema.ts';
import { loginFailedMessage } from '../../functions/auth/login-routes.tsx';
import { hashPassword } from '../../functions/auth/password.ts';
import { auditRecords, auditRecordsOf } from '../support/audit-records.ts';
import { createTestApp, createUserWithPassword, testClock, testConfig } from '../support/app.ts';
import { useTestDatabase, type TestDatabase } from '../support/database.ts';

let db: TestDatabase;

useTestDatabase((created) => (db = created));

const sessionToken = (res: Response) => res.headers.get('set-cookie')?.match(/berth_session=([^;]*)/)?.[1];

/** The form as the page shows it after a refusal, minus the name typed (which is echoed). */
async function refusalText(res: Response) {
  return (await res.text()).replace(/value="[^"]*"/, '');
}

describe('login', () => {
  it('signs in with a new session, sends the user home and records it', async () => {
    const { postForm, request } = await createTestApp({ db });
    const alice = await createUserWithPassword(db, 'alice', 'alice password', 'admin');
    const res = await postForm('/login', { username: 'ALICE', password: 'alice password' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/');
    const token = sessionToken(res)!;
    const [session] = await db.db.select().from(sessions);
    expect(token.startsWith(`${session!.id}.`)).toBe(true);
    // Only a hash of the secret is stored.
    expect(session!.secretHash).not.toContain(token.split('.')[1]);

    const home = await request('/', { cookie: `berth_session=${token}` });
    expect(await home.text()).toMatch(/alice <small>\(admin\)<\/small>/);
    expect(await auditRecords(db.db)).toMatchObject([
      { action: 'user.login', outcome: 'success', actorType: 'user', actorId: alice.id, actorName: 'alice' },
    ]);
  });

  it('sets the cookie HttpOnly, SameSite=Lax, Path=/, not longer than the absolute lifetime', async () => {
    const { postForm } = await createTestApp({ db });
    await createUserWithPassword(db, 'cookie', 'cookie password');
    const cookie = (await postForm('/login', { username: 'cookie', password: 'cookie password' })).headers.get('set-cookie')!;
    expect(cookie).toMatch(/^berth_session=[A-Za-z0-9_-]{20}\.[A-Za-z0-9_-]{43};/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Lax');
    expect(cookie).toContain('Path=/');
    expect(cookie).toContain(`Max-Age=${testConfig().sessionAbsoluteMs / 1000}`);
    expect(cookie).not.toContain('Secure');
    expect(cookie).not.toContain('Domain');
  });

  it('behind HTTPS uses the __Host- prefix and Secure', async () => {
    const { postForm, request } = await createTestApp({ db, config: { secureCookies: true } });
    await createUserWithPassword(db, 'secure', 'secure password');
    const res = await postForm('/login', { username: 'secure', password: 'secure password' });
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^__Host-berth_session=/);
    expect(cookie).toContain('Secure');
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('Path=/');
    expect(cookie).not.toContain('Domain');
    const token = cookie.match(/^__Host-berth_session=([^;]*)/)![1];
    expect((await request('/', { cookie: `__Host-berth_session=${token}` })).status).toBe(200);
    // The plain name is not accepted when the secure one is expected.
    expect((await request('/', { cookie: `berth_session=${token}` })).status).toBe(302);
  });

  it('issues a fresh session at every login and ends the one the browser had (no fixation)', async () => {
    const { postForm } = await createTestApp({ db });
    await createUserWithPassword(db, 'fixed', 'fixed password');
    const first = sessionToken(await postForm('/login', { username: 'fixed', password: 'fixed password' }))!;
    const second = sessionToken(
      await postForm('/login', { username: 'fixed', password: 'fixed password' }, { cookie: `berth_session=${first}` }),
    )!;
    expect(second).not.toBe(first);
    const rows = await db.db.select().from(sessions);
    expect(rows.map((s) => s.id)).toEqual([second.split('.')[0]]);
  });

  it('gives one generic answer for an unknown name and a wrong password, and records both', async () => {
    const { postForm } = await createTestApp({ db });
    await createUserWithPassword(db, 'bob', 'bob password');
    const wrong = await postForm('/login', { username: 'bob', password: 'not bobs password' });
    const unknown = await postForm('/login', { username: 'nobody', password: 'not bobs password' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const [wrongText, unknownText] = [await refusalText(wrong), await refusalText(unknown)];
    expect(wrongText).toContain(loginFailedMessage);
    expect(wrongText).toBe(unknownText);
    expect(wrong.headers.get('set-cookie')).toBeNull();

    const records = await auditRecords(db.db);
    expect(records).toMatchObject([
      { action: 'user.login', outcome: 'failure', actorType: 'user', actorId: null, actorName: 'bob', targetName: 'bob' },
      { action: 'user.login', outcome: 'failure', actorType: 'user', actorId: null, actorName: 'nobody' },
    ]);
  });

  it('records a failed login under the name tried (a user without an id, never the system); one with no name as anonymous', async () => {
    const { postForm } = await createTestApp({ db });
    const named = await postForm('/login', { username: 'ghost', password: 'some password' });
    const nameless = await postForm('/login', { username: '', password: 'some password' });
    expect(await auditRecordsOf(db.db, named)).toMatchObject([{ action: 'user.login', actorType: 'user', actorId: null, actorName: 'ghost' }]);
    expect(await auditRecordsOf(db.db, nameless)).toMatchObject([{ action: 'user.login', actorType: 'system', actorId: null, actorName: 'anonymous' }]);
    const [viewRows] = await db.db.execute(sql`SELECT actor, actor_type, actor_id, actor_role FROM audit_log WHERE actor = 'ghost'`);
    expect(viewRows).toEqual([{ actor: 'ghost', actor_type: 'user', actor_id: null, actor_role: null }]);
  });

  it('never writes a password into the audit trail or the server log', async () => {
    const { postForm, logger } = await createTestApp({ db });
    await createUserWithPassword(db, 'secretive', 'the real secret 42');
    await postForm('/login', { username: 'secretive', password: 'a wrong secret 17' });
    await postForm('/login', { username: 'secretive', password: 'the real secret 42' });
    await postForm('/register', { username: 'newbie', password: 'newbie secret 99' });
    await postForm('/register', { username: 'x', password: 'short secret 11' });
    const everything = JSON.stringify(await db.db.select().from(auditEvents)) + JSON.stringify(logger.lines);
    for (const secret of ['a wrong secret 17', 'the real secret 42', 'newbie secret 99', 'short secret 11']) {
      expect(everything).not.toContain(secret);
    }
  });

  it('takes comparable time for an unknown name as for a known one (a dummy hash is verified)', async () => {
    // A realistic cost makes the hash dominate the request time.
    const cost = { N: 2 ** 15, r: 8, p: 1 };
    const { postForm } = await createTestApp({ db, config: { passwordHashCost: cost } });
    await db.db.insert(users).values({ username: 'timed', role: 'user', createdAt: new Date(), passwordHash: await hashPassword('timed password', cost) });
    const time = async (username: string, i: number) => {
      const start = performance.now();
      const res = await postForm('/login', { username, password: `wrong ${i}` });
      expect(res.status).toBe(401);
      return performance.now() - start;
    };
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 3; i++) {
      known.push(await time('timed', i));
      unknown.push(await time(`ghost${i}`, i));
    }
    expect(median(unknown)).toBeGreaterThan(median(known) * 0.5);
  });

  it.each([
    ['empty fields', { username: '', password: '' }, 400, 'Enter your username and password.'],
    ['no password', { username: 'bob' }, 400, 'Enter your username and password.'],
    ['10 kB name', { username: 'b'.repeat(10_240), password: 'whatever pw' }, 401, loginFailedMessage],
    ['10 kB password', { username: 'bob', password: 'p'.repeat(10_240) }, 401, loginFailedMessage],
    ['HTML name', { username: '<script>alert(1)</script>', password: 'whatever pw' }, 401, loginFailedMessage],
    ['control characters', { username: 'bob\u0000\u001b[31m', password: 'whatever pw' }, 401, loginFailedMessage],
  ])('answers %s with a clear message, never a 500, and one record', async (_, fields, status, message) => {
    const { postForm } = await createTestApp({ db });
    await createUserWithPassword(db, 'bob', 'bob password');
    const res = await postForm('/login', fields as Record<string, string>);
    expect(res.status).toBe(status);
    const html = await res.text();
    expect(html).toContain(message);
    expect(html).not.toContain('<script>alert');
    const records = await auditRecords(db.db);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ action: 'user.login', outcome: 'failure' });
  });

  it('refuses a disabled account even with the right password', async () => {
    const { postForm } = await createTestApp({ db });
    const user = await createUserWithPassword(db, 'gone', 'gone password');
    await db.db.update(users).set({ disabledAt: new Date() }).where(eq(users.id, user.id));
    const res = await postForm('/login', { username: 'gone', password: 'gone password' });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('This account is disabled');
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(await db.db.select().from(sessions)).toHaveLength(0);
    expect(await auditRecords(db.db)).toMatchObject([{ action: 'user.login', outcome: 'denied' }]);
  });

  it('answers htmx with HX-Redirect on success and the form fragment on failure', async () => {
    const { postForm } = await createTestApp({ db });
    await createUserWithPassword(db, 'hxuser', 'hx password');
    const bad = await postForm('/login', { username: 'hxuser', password: 'nope nope' }, { htmx: true });
    expect(bad.status).toBe(401);
    const fragment = await bad.text();
    expect(fragment.startsWith('<form id="login-form"')).toBe(true);
    expect(fragment).toContain(loginFailedMessage);
    const good = await postForm('/login', { username: 'hxuser', password: 'hx password' }, { htmx: true });
    expect(good.status).toBe(200);
    expect(good.headers.get('hx-redirect')).toBe('/');
  });

  it('rehashes a password made at an older cost at the next login', async () => {
    const { postForm } = await createTestApp({ db });
    await db.db.insert(users).values({
      username: 'oldhash',
      role: 'user',
      createdAt: new Date(),
      passwordHash: await hashPassword('old hash password', { N: 2 ** 11, r: 8, p: 1 }),
    });
    expect((await postForm('/login', { username: 'oldhash', password: 'old hash password' })).status).toBe(303);
    const [row] = await db.db.select().from(users);
    expect(row!.passwordHash.startsWith('scrypt$1024$8$1$')).toBe(true);
    expect((await postForm('/login', { username: 'oldhash', password: 'old hash password' })).status).toBe(303);
  });
});

describe('login throttling', () => {
  const from = (address: string) => ({ 'X-Test-Client-Address': address });

  it('blocks an account for 30 s after five failures, with the same answer as for a name that does not exist', async () => {
    const clock = testClock();
    const { request } = await createTestApp({ db, clock });
    await createUserWithPassword(db, 'target', 'target password');
    const login = (username: string, password: string, address: string) =>
      request('/login', { method: 'POST', body: new URLSearchParams({ username, password }), headers: from(address) });

    for (let i = 0; i < 5; i++) {
      expect((await login('target', `guess ${i}`, `198.51.100.${i}`)).status).toBe(401);
      expect((await login('phantom', `guess ${i}`, `198.51.100.${i}`)).status).toBe(401);
    }
    // Even the right password is refused now, from a fresh address.
    const blocked = await login('target', 'target password', '203.0.113.9');
    const phantom = await login('phantom', 'target password', '203.0.113.9');
    expect(blocked.status).toBe(429);
    expect(phantom.status).toBe(429);
    expect(blocked.headers.get('retry-after')).toBe('30');
    const [blockedText, phantomText] = [await refusalText(blocked), await refusalText(phantom)];
    expect(blockedText).toContain('Too many failed logins. Try again in 30 seconds.');
    expect(blockedText).toBe(phantomText);
    expect(blocked.headers.get('set-cookie')).toBeNull();
    expect(await auditRecordsOf(db.db, blocked)).toMatchObject([{ action: 'user.login', outcome: 'denied', actorName: 'target' }]);
    expect(await auditRecordsOf(db.db, phantom)).toMatchObject([{ action: 'user.login', outcome: 'denied', actorName: 'phantom' }]);

    // Another account is not affected.
    await createUserWithPassword(db, 'bystander', 'bystander password');
    expect((await login('bystander', 'bystander password', '203.0.113.9')).status).toBe(303);

    clock.advance(30_000);
    expect((await login('target', 'target password', '203.0.113.9')).status).toBe(303);
    // Success clears the account's counter.
    const rows = await db.db.select().from(loginThrottles).where(eq(loginThrottles.key, 'user:target'));
    expect(rows).toHaveLength(0);
  });

  it('grows the block with each failure after it, up to 15 minutes', async () => {
    const clock = testClock();
    const { request } = await createTestApp({ db, clock });
    let attempt = 0;
    // A new address each time: only the account counter is at work here.
    const login = (password: string) =>
      request('/login', { method: 'POST', body: new URLSearchParams({ username: 'grower', password }), headers: from(`198.51.100.${++attempt}`) });
    for (let i = 0; i < 5; i++) await login(`guess ${i}`);
    const waits: number[] = [];
    for (let i = 0; i < 7; i++) {
      const refused = await login('again');
      expect(refused.status).toBe(429);
      const wait = Number(refused.headers.get('retry-after'));
      waits.push(wait);
      clock.advance(wait * 1000);
      expect((await login(`guess after ${i}`)).status).toBe(401);
    }
    expect(waits).toEqual([30, 60, 120, 240, 480, 900, 900]);
  });

  it('throttles an address that tries many names, and not another address', async () => {
    const clock = testClock();
    const { request } = await createTestApp({ db, clock });
    await createUserWithPassword(db, 'victim', 'victim password');
    const login = (username: string, password: string, address: string) =>
      request('/login', { method: 'POST', body: new URLSearchParams({ username, password }), headers: from(address) });
    for (let i = 0; i < 20; i++) expect((await login(`spray${i}`, 'Password1', '192.0.2.66')).status).toBe(401);
    expect((await login('victim', 'victim password', '192.0.2.66')).status).toBe(429);
    expect((await login('victim', 'victim password', '192.0.2.77')).status).toBe(303);
  });

  it('lets a parallel burst on one account try no more than the limit: the rest are refused before any password check', async () => {
    const { request } = await createTestApp({ db, clock: testClock() });
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        request('/login', { method: 'POST', body: new URLSearchParams({ username: 'parallel', password: `p${i}xxxxxx` }), headers: from(`198.51.100.${i}`) }),
      ),
    );
    // Each attempt is counted under the counter's row lock before its password is checked.
    expect(answers.map((answer) => answer.status).sort()).toEqual([401, 401, 401, 401, 401, 429, 429, 429]);
    const [row] = await db.db.select().from(loginThrottles).where(eq(loginThrottles.key, 'user:parallel'));
    expect(row!.failures).toBe(5);
  });

  it('lets a parallel burst from one address try no more than its limit, across names', async () => {
    const { request } = await createTestApp({ db, clock: testClock() });
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        request('/login', { method: 'POST', body: new URLSearchParams({ username: `spray${i}`, password: 'Password1' }), headers: from('192.0.2.99') }),
      ),
    );
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status === 401)).toHaveLength(20);
    expect(statuses.filter((status) => status === 429)).toHaveLength(10);
  });

  it('answers every attempt of a parallel burst over a few names, each with its record: never a 500 from the counters', async () => {
    const { request } = await createTestApp({ db, clock: testClock() });
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        request('/login', { method: 'POST', body: new URLSearchParams({ username: `burst${i % 3}`, password: 'Password1' }), headers: from('192.0.2.98') }),
      ),
    );
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status !== 401 && status !== 429)).toEqual([]);
    // Five tries per name reach the password check.
    expect(statuses.filter((status) => status === 401)).toHaveLength(15);
    const records = await db.db.select().from(auditEvents).where(eq(auditEvents.action, 'user.login'));
    expect(records.filter((e) => e.actorName.startsWith('burst'))).toHaveLength(30);
  });

  it("a good login takes its own count back from its address, and only that", async () => {
    const clock = testClock();
    const { request } = await createTestApp({ db, clock });
    await createUserWithPassword(db, 'good', 'good password');
    const login = (username: string, password: string) =>
      request('/login', { method: 'POST', body: new URLSearchParams({ username, password }), headers: from('192.0.2.55') });
    for (let i = 0; i < 3; i++) expect((await login(`other${i}`, 'Password1')).status).toBe(401);
    expect((await login('good', 'good password')).status).toBe(303);
    const [row] = await db.db.select().from(loginThrottles).where(eq(loginThrottles.key, 'ip:192.0.2.55'));
    expect(row!.failures).toBe(3);
    expect(await db.db.select().from(loginThrottles).where(eq(loginThrottles.key, 'user:good'))).toEqual([]);
  });
});
