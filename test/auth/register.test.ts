import { describe, expect, it } from 'vitest';
import { users } from '../../db/schema.ts';
import { auditRecords, auditRecordsOf } from '../support/audit-records.ts';
import { createSignedInUser, createTestApp, testClock } from '../support/app.ts';
import { useTestDatabase, type TestDatabase } from '../support/database.ts';

let db: TestDatabase;

useTestDatabase((created) => (db = created));

const allUsers = () => db.db.select().from(users);
const sessionCookieOf = (res: Response) => res.headers.get('set-cookie')?.match(/berth_session=([^;]*)/)?.[1];

describe('register', () => {
  it('bootstraps the first admin, signs them in, and records it', async () => {
    const { postForm, request } = await createTestApp({ db, clock: testClock() });
    const page = await request('/register');
    expect(page.status).toBe(200);
    const form = await page.text();
    expect(form).toContain('no administrator yet');
    expect(form).toContain('<input type="checkbox" name="admin" value="1"');

    const res = await postForm('/register', { username: 'Root.Admin', password: 'first admin pw', admin: '1' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/');
    const token = sessionCookieOf(res);
    expect(token).toBeTruthy();
    const [row] = await allUsers();
    expect(row).toMatchObject({ username: 'Root.Admin', role: 'admin', disabledAt: null, createdAt: new Date(Date.UTC(2026, 0, 1)) });
    expect(row!.passwordHash).toMatch(/^scrypt\$1024\$8\$1\$/);

    const home = await request('/', { cookie: `berth_session=${token}` });
    expect(home.status).toBe(200);
    expect(await home.text()).toMatch(/Root\.Admin <small>\(admin\)<\/small>/);

    const [record] = await auditRecords(db.db);
    expect(record).toMatchObject({
      action: 'user.register',
      outcome: 'success',
      actorType: 'user',
      actorId: row!.id,
      actorName: 'Root.Admin',
      targetName: 'Root.Admin',
      clientIp: '192.0.2.1',
    });
    expect(record!.requestId).toBe(res.headers.get('x-request-id'));
  });

  it('refuses the administrator box once an admin exists, with a clear message, a denied record and no account', async () => {
    const { postForm, request } = await createTestApp({ db });
    await postForm('/register', { username: 'first', password: 'password one', admin: '1' });
    const page = await (await request('/register')).text();
    expect(page).toContain('already has an administrator');
    expect(page).not.toContain('name="admin"');

    const res = await postForm('/register', { username: 'second', password: 'password two', admin: '1' });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('already has an administrator');
    expect(res.headers.get('set-cookie')).toBeNull();
    expect((await allUsers()).map((u) => u.username)).toEqual(['first']);
    expect(await auditRecordsOf(db.db, res)).toMatchObject([
      { action: 'user.register', outcome: 'denied', actorName: 'second', actorType: 'user', actorId: null },
    ]);
  });

  it('makes later accounts ordinary users, and the very first one too when it does not ask', async () => {
    const { postForm } = await createTestApp({ db });
    expect((await postForm('/register', { username: 'plain', password: 'password one' })).status).toBe(303);
    expect((await postForm('/register', { username: 'boss', password: 'password two', admin: '1' })).status).toBe(303);
    expect((await postForm('/register', { username: 'later', password: 'password three' })).status).toBe(303);
    expect((await allUsers()).map((u) => [u.username, u.role])).toEqual([
      ['plain', 'user'],
      ['boss', 'admin'],
      ['later', 'user'],
    ]);
  });

  it('lets exactly one of many simultaneous first-admin registrations win', async () => {
    const { postForm } = await createTestApp({ db });
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) => postForm('/register', { username: `racer${i}`, password: 'race password', admin: '1' })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([303, 403, 403, 403, 403, 403]);
    expect((await allUsers()).filter((u) => u.role === 'admin')).toHaveLength(1);
    const records = await auditRecords(db.db);
    expect(records).toHaveLength(6);
    expect(records.filter((r) => r.outcome === 'success')).toHaveLength(1);
  });

  it('refuses a taken name, also when it differs only in case', async () => {
    const { postForm } = await createTestApp({ db });
    await postForm('/register', { username: 'alice', password: 'password one' });
    for (const name of ['alice', 'ALICE', 'Alice']) {
      const res = await postForm('/register', { username: name, password: 'password two' });
      expect(res.status).toBe(409);
      expect(await res.text()).toContain('That username is taken');
      expect(await auditRecordsOf(db.db, res)).toMatchObject([{ action: 'user.register', outcome: 'failure' }]);
    }
    expect(await allUsers()).toHaveLength(1);
  });

  it.each(['external', 'public', 'system', 'anonymous', 'EXTERNAL', 'Public'])(
    'refuses the reserved name %j (a workspace or actor name) with a clear message, a 400 and a failure record',
    async (username) => {
      const { postForm } = await createTestApp({ db });
      const res = await postForm('/register', { username, password: 'password one' });
      expect(res.status).toBe(400);
      expect(await res.text()).toContain(`&quot;${username}&quot; is reserved`);
      expect(res.headers.get('set-cookie')).toBeNull();
      expect(await allUsers()).toHaveLength(0);
      expect(await auditRecordsOf(db.db, res)).toMatchObject([{ action: 'user.register', outcome: 'failure', targetName: username }]);
    },
  );

  const long = 'a'.repeat(10_240);
  it.each([
    ['empty username', { username: '', password: 'password one' }, 'Enter a username.'],
    ['empty password', { username: 'valid', password: '' }, 'Enter a password.'],
    ['no fields at all', {}, 'Enter a username.'],
    ['10 kB username', { username: long, password: 'password one' }, 'A username is 3 to 32 characters'],
    ['10 kB password', { username: 'valid', password: long }, 'at most 1024 characters'],
    ['short password', { username: 'valid', password: 'seven77' }, 'at least 8 characters'],
    ['control characters', { username: 'bad\u0000\u0007name', password: 'password one' }, 'A username is 3 to 32 characters'],
    ['newline', { username: 'bad\nname', password: 'password one' }, 'A username is 3 to 32 characters'],
    ['HTML', { username: '<img src=x onerror=alert(1)>', password: 'password one' }, 'A username is 3 to 32 characters'],
  ])('refuses %s with a clear message, a 400 and one failure record', async (_, fields, message) => {
    const { postForm } = await createTestApp({ db });
    const res = await postForm('/register', fields as Record<string, string>);
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain(message);
    expect(html).not.toContain('<img src=x');
    expect(await allUsers()).toHaveLength(0);
    const records = await auditRecords(db.db);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ action: 'user.register', outcome: 'failure' });
    expect(records[0]!.actorName.length).toBeLessThanOrEqual(64);
  });

  it('shows the typed name back escaped, never as markup', async () => {
    const { postForm } = await createTestApp({ db });
    const res = await postForm('/register', { username: '"><script>alert(1)</script>', password: 'password one' });
    const html = await res.text();
    expect(html).not.toContain('<script>alert');
    expect(html).toContain('&quot;&gt;&lt;script&gt;');
  });

  it('refuses a body that is not a form (JSON) with a clear message', async () => {
    const { request } = await createTestApp({ db });
    const res = await request('/register', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'jason', password: 'password one' }),
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('Enter a username.');
    expect(await allUsers()).toHaveLength(0);
  });

  it('answers htmx with the form fragment on a refusal and HX-Redirect on success', async () => {
    const { postForm } = await createTestApp({ db });
    const bad = await postForm('/register', { username: 'x', password: 'password one' }, { htmx: true });
    expect(bad.status).toBe(400);
    const fragment = await bad.text();
    expect(fragment.startsWith('<form id="register-form"')).toBe(true);
    expect(fragment).not.toContain('<html');
    expect(fragment).toContain('value="x"');

    const good = await postForm('/register', { username: 'htmxer', password: 'password one' }, { htmx: true });
    expect(good.status).toBe(200);
    expect(good.headers.get('hx-redirect')).toBe('/');
    expect(sessionCookieOf(good)).toBeTruthy();
  });

  it('accepts a Unicode password and any characters, without composition rules', async () => {
    const { postForm } = await createTestApp({ db });
    const res = await postForm('/register', { username: 'unicode', password: 'pässwörd ✓ 密码 🔑' });
    expect(res.status).toBe(303);
    const login = await postForm('/login', { username: 'unicode', password: 'pa\u0308sswo\u0308rd ✓ 密码 🔑' });
    expect(login.status).toBe(303);
  });

  it('sends a signed-in visitor from the register and login pages home', async () => {
    const { request } = await createTestApp({ db });
    const user = await createSignedInUser(db, 'already');
    for (const path of ['/register', '/login']) {
      const res = await request(path, { cookie: user.cookie });
      expect(res.status).toBe(302);
      expect(res.headers.get('location')).toBe('/');
    }
  });
});
