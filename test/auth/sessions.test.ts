import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { sessions, users } from '../../db/schema.ts';
import { auditRecords, auditRecordsOf } from '../support/audit-records.ts';
import { createSignedInUser, createTestApp, createUserWithPassword, testClock, testConfig, testOrigin } from '../support/app.ts';
import { useTestDatabase, type TestDatabase } from '../support/database.ts';

let db: TestDatabase;

useTestDatabase((created) => (db = created));

const { sessionIdleMs, sessionAbsoluteMs, sessionTouchIntervalMs } = testConfig();
const minute = 60_000;

function expectSentToLogin(res: Response) {
  expect(res.status).toBe(302);
  expect(res.headers.get('location')).toBe('/login');
}

describe('access without a session', () => {
  it('redirects every page but login, register and /healthz to the login page', async () => {
    const { request } = await createTestApp({ db });
    for (const path of ['/', '/account', '/users/1/promote', '/audit', '/containers', '/no-such-page']) {
      expectSentToLogin(await request(path));
    }
    for (const path of ['/login', '/register', '/healthz']) expect((await request(path)).status).toBe(200);
  });

  it('answers htmx with a redirect the page follows', async () => {
    const { request, postForm } = await createTestApp({ db });
    const res = await request('/', { htmx: true });
    expect(res.status).toBe(401);
    expect(res.headers.get('hx-redirect')).toBe('/login');
    const post = await postForm('/users/1/delete', {}, { htmx: true });
    expect(post.headers.get('hx-redirect')).toBe('/login');
  });

  it.each([
    ['garbage', 'berth_session=garbage'],
    ['bad percent-encoding', 'berth_session=%E0%A4%A'],
    ['10 kB', `berth_session=${'A'.repeat(10_240)}`],
    ['well-formed but unknown', `berth_session=${'A'.repeat(20)}.${'B'.repeat(43)}`],
    ['HTML', 'berth_session=<script>alert(1)</script>'],
  ])('treats a %s cookie as no session: login page, cookie cleared, never a 500', async (_, cookie) => {
    const { request } = await createTestApp({ db });
    const res = await request('/', { cookie });
    expectSentToLogin(res);
    expect(res.headers.get('set-cookie')).toMatch(/^berth_session=;.*Max-Age=0/);
  });

  it('treats an empty cookie as no session', async () => {
    const { request } = await createTestApp({ db });
    expectSentToLogin(await request('/', { cookie: 'berth_session=' }));
  });

  it('refuses a forged secret for a real session id, and the real session still works', async () => {
    const { request } = await createTestApp({ db });
    const user = await createSignedInUser(db, 'forged');
    const [name, token] = user.cookie.split('=') as [string, string];
    const [id, secret] = token.split('.') as [string, string];
    const forgedSecret = secret.slice(0, -1) + (secret.endsWith('A') ? 'B' : 'A');
    const res = await request('/', { cookie: `${name}=${id}.${forgedSecret}` });
    expectSentToLogin(res);
    expect(res.headers.get('set-cookie')).toMatch(/berth_session=;.*Max-Age=0/);
    expect((await request('/', { cookie: user.cookie })).status).toBe(200);
  });

  it('refuses the cookie of a deleted user and of a disabled one', async () => {
    const { request } = await createTestApp({ db });
    const deleted = await createSignedInUser(db, 'deleteduser');
    const disabled = await createSignedInUser(db, 'disableduser');
    await db.db.delete(users).where(eq(users.id, deleted.id));
    await db.db.update(users).set({ disabledAt: new Date() }).where(eq(users.id, disabled.id));
    expectSentToLogin(await request('/', { cookie: deleted.cookie }));
    expectSentToLogin(await request('/', { cookie: disabled.cookie }));
    expect(await db.db.select().from(sessions)).toHaveLength(0);
  });
});

describe('session lifetime', () => {
  it('ends after the idle timeout (injected clock)', async () => {
    const clock = testClock();
    const { request } = await createTestApp({ db, clock });
    const user = await createSignedInUser(db, 'idler', 'user', clock());
    clock.advance(sessionIdleMs - 1);
    expect((await request('/', { cookie: user.cookie })).status).toBe(200);
    clock.advance(sessionIdleMs);
    expectSentToLogin(await request('/', { cookie: user.cookie }));
    expect(await db.db.select().from(sessions)).toHaveLength(0);
  });

  it('slides with use, writing last_verified_at at most once per interval', async () => {
    const clock = testClock();
    const { request } = await createTestApp({ db, clock });
    const user = await createSignedInUser(db, 'slider', 'user', clock());
    const lastVerified = async () => (await db.db.select().from(sessions))[0]!.lastVerifiedAt.getTime();

    clock.advance(sessionTouchIntervalMs - 1);
    await request('/', { cookie: user.cookie });
    expect(await lastVerified()).toBe(Date.UTC(2026, 0, 1));
    clock.advance(1);
    await request('/', { cookie: user.cookie });
    expect(await lastVerified()).toBe(clock());

    // Well past one idle timeout in total, but never idle that long.
    for (let i = 0; i < 3; i++) {
      clock.advance(sessionIdleMs - minute);
      expect((await request('/', { cookie: user.cookie })).status).toBe(200);
    }
  });

  it('ends at the absolute lifetime however active the user is', async () => {
    const clock = testClock();
    const { request } = await createTestApp({ db, clock });
    const user = await createSignedInUser(db, 'busy', 'user', clock());
    const step = sessionIdleMs / 2;
    let elapsed = 0;
    while (elapsed + step < sessionAbsoluteMs) {
      clock.advance(step);
      elapsed += step;
      expect((await request('/', { cookie: user.cookie })).status).toBe(200);
    }
    clock.advance(sessionAbsoluteMs - elapsed);
    expectSentToLogin(await request('/', { cookie: user.cookie }));
  });

  it('survives a restart of the control plane: sessions live in MySQL', async () => {
    const user = await createSignedInUser(db, 'persistent');
    const first = await createTestApp({ db });
    expect((await first.request('/', { cookie: user.cookie })).status).toBe(200);
    const second = await createTestApp({ db });
    expect((await second.request('/', { cookie: user.cookie })).status).toBe(200);
  });
});

describe('logout', () => {
  it('deletes the session server-side, clears the cookie, records it, and the old cookie is refused afterwards', async () => {
    const { request, postForm } = await createTestApp({ db });
    await createUserWithPassword(db, 'leaver', 'leaver password');
    const login = await postForm('/login', { username: 'leaver', password: 'leaver password' });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    expect((await request('/', { cookie })).status).toBe(200);

    const res = await postForm('/logout', {}, { cookie });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/login');
    expect(res.headers.get('set-cookie')).toMatch(/^berth_session=;.*Max-Age=0/);
    expect(await db.db.select().from(sessions)).toHaveLength(0);
    expect(await auditRecordsOf(db.db, res)).toMatchObject([{ action: 'user.logout', outcome: 'success', actorName: 'leaver' }]);

    // Replaying the old cookie gets nothing.
    expectSentToLogin(await request('/', { cookie }));
    const replay = await postForm('/logout', {}, { cookie });
    expect(replay.status).toBe(303);
    expect(await auditRecordsOf(db.db, replay)).toMatchObject([{ action: 'user.logout', outcome: 'failure' }]);
  });

  it('leaves nothing a signed-in user saw in the browser cache, so the back button after logout asks again', async () => {
    const { request } = await createTestApp({ db });
    const user = await createSignedInUser(db, 'cached');
    for (const path of ['/', '/audit', '/account', '/no-such-page']) {
      expect((await request(path, { cookie: user.cookie })).headers.get('cache-control'), path).toBe('no-store');
    }
    expect((await request('/audit', { cookie: user.cookie, htmx: true })).headers.get('cache-control')).toBe('no-store');
  });

  it('answers htmx with HX-Redirect to the login page', async () => {
    const { postForm } = await createTestApp({ db });
    const user = await createSignedInUser(db, 'hxleaver');
    const res = await postForm('/logout', {}, { cookie: user.cookie, htmx: true });
    expect(res.headers.get('hx-redirect')).toBe('/login');
  });

  it('is a POST: a GET cannot log anyone out', async () => {
    const { request } = await createTestApp({ db });
    const user = await createSignedInUser(db, 'stayer');
    expect((await request('/logout', { cookie: user.cookie })).status).toBe(404);
    expect((await request('/', { cookie: user.cookie })).status).toBe(200);
  });
});

describe('cross-site requests', () => {
  const evil = 'https://evil.example';

  it.each([
    ['a form from another origin', { Origin: evil }],
    ['no Origin and a cross-site fetch', { 'Sec-Fetch-Site': 'cross-site' }],
    ['no Origin and no Sec-Fetch-Site', {}],
    ['the null origin', { Origin: 'null' }],
  ])('refuses %s with 403 and no side effect', async (_, headers) => {
    const { app, request } = await createTestApp({ db });
    const admin = await createSignedInUser(db, 'csrfadmin', 'admin');
    const victim = await createSignedInUser(db, 'csrfvictim');
    const post = (path: string, body: BodyInit, contentType: string) =>
      app.request(`${testOrigin}${path}`, { method: 'POST', body, headers: { ...headers, 'Content-Type': contentType, Cookie: admin.cookie } });

    const attempts = [
      await post(`/users/${victim.id}/delete`, '', 'application/x-www-form-urlencoded'),
      await post(`/users/${victim.id}/promote`, '{}', 'application/json'),
      await post('/register', 'username=sneaky&password=sneaky+password&admin=1', 'application/x-www-form-urlencoded'),
      await post('/logout', 'x', 'text/plain'),
    ];
    for (const res of attempts) expect(res.status).toBe(403);
    expect((await db.db.select().from(users)).map((u) => [u.username, u.role])).toEqual([
      ['csrfadmin', 'admin'],
      ['csrfvictim', 'user'],
    ]);
    expect((await request('/', { cookie: admin.cookie })).status).toBe(200);
    const records = await auditRecords(db.db);
    expect(records).toHaveLength(4);
    expect(records.every((r) => r.action === 'request.cross-site' && r.outcome === 'denied')).toBe(true);
  });
});
