import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { users } from '../../db/schema.ts';
import { createSignedInUser, createTestApp, createUserWithPassword, testClock } from '../support/app.ts';
import { useTestDatabase, type TestDatabase } from '../support/database.ts';

let db: TestDatabase;

useTestDatabase((created) => (db = created));

const registered = Date.UTC(2026, 2, 4, 5, 6, 7, 890);

/** The cells of each body row, as text. */
function rows(html: string): string[][] {
  const body = html.slice(html.indexOf('<tbody>'), html.indexOf('</tbody>'));
  return [...body.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((row) =>
    [...row[1]!.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((cell) => cell[1]!.replace(/<details[\s\S]*<\/details>/, '').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim()),
  );
}

describe('home page', () => {
  it('shows an admin every user: id, username, role, registered at (UTC), status and actions', async () => {
    const { request } = await createTestApp({ db, clock: testClock(registered + 60_000) });
    const admin = await createSignedInUser(db, 'boss', 'admin', registered);
    const user = await createSignedInUser(db, 'worker', 'user', registered + 1000);
    const html = await (await request('/', { cookie: admin.cookie })).text();
    expect(html).toMatch(/boss <small>\(admin\)<\/small>/);
    expect(html).toMatch(/<th scope="col">ID<\/th><th scope="col">Username<\/th><th scope="col">Role<\/th><th scope="col">Registered at<\/th><th scope="col">Status<\/th>/);
    const table = rows(html);
    expect(table.map((r) => r.slice(0, 5))).toEqual([
      [String(admin.id), 'boss', 'admin', '2026-03-04 05:06:07 UTC', 'active'],
      [String(user.id), 'worker', 'user', '2026-03-04 05:06:08 UTC', 'active'],
    ]);
    expect(html).toContain('<time datetime="2026-03-04T05:06:07.890Z">');
    expect(html).toContain(`hx-post="/users/${user.id}/promote"`);
    expect(html).toContain(`hx-post="/users/${user.id}/delete"`);
    // No self-disable or self-delete buttons.
    expect(html).not.toContain(`/users/${admin.id}/delete"`);
    expect(html).not.toContain(`/users/${admin.id}/disable"`);
  });

  it('shows a user only their own row, without management actions', async () => {
    const { request } = await createTestApp({ db, clock: testClock(registered + 60_000) });
    await createSignedInUser(db, 'boss', 'admin', registered);
    const user = await createSignedInUser(db, 'worker', 'user', registered);
    await createSignedInUser(db, 'colleague', 'user', registered);
    const html = await (await request('/', { cookie: user.cookie })).text();
    expect(html).toMatch(/worker <small>\(user\)<\/small>/);
    expect(rows(html)).toEqual([[String(user.id), 'worker', 'user', '2026-03-04 05:06:07 UTC']]);
    expect(html).not.toContain('boss');
    expect(html).not.toContain('colleague');
    expect(html).not.toContain('/users/');
    expect(html).not.toContain('Status');
  });

  it('links every row to that user’s audit records, URL-encoded', async () => {
    const { request } = await createTestApp({ db });
    const admin = await createSignedInUser(db, 'boss', 'admin');
    await createSignedInUser(db, 'dot.ted-name_1');
    const html = await (await request('/', { cookie: admin.cookie })).text();
    expect(html).toContain('href="/audit?user=boss"');
    expect(html).toContain('href="/audit?user=dot.ted-name_1"');
  });

  it('shows the current user’s name and role on every page, the error page included', async () => {
    const { request } = await createTestApp({ db });
    const user = await createSignedInUser(db, 'everywhere');
    for (const path of ['/', '/account', '/no-such-page']) {
      const html = await (await request(path, { cookie: user.cookie })).text();
      expect(html, path).toMatch(/data-testid="current-user"[^>]*>everywhere <small>\(user\)<\/small>/);
    }
  });

  it('never lets a user reach another user’s audit records or any admin route', async () => {
    const { request, postForm } = await createTestApp({ db });
    await createUserWithPassword(db, 'boss', 'boss password', 'admin');
    await createUserWithPassword(db, 'nosy', 'nosy password');
    const signIn = async (username: string, password: string) =>
      (await postForm('/login', { username, password })).headers.get('set-cookie')!.split(';')[0]!;
    const boss = await signIn('boss', 'boss password');
    const nosy = await signIn('nosy', 'nosy password');
    const nosyId = (await db.db.select().from(users).where(eq(users.username, 'nosy')))[0]!.id;
    // Something only the admin did, on the record.
    expect((await postForm(`/users/${nosyId}/reset-password`, { password: 'reset by boss' }, { cookie: boss })).status).toBe(200);
    const nosyAgain = await signIn('nosy', 'reset by boss');

    const home = await (await request('/', { cookie: nosyAgain })).text();
    expect(home).not.toContain('/audit?user=boss');
    expect(home).toContain('/audit?user=nosy');

    for (const path of ['/audit?user=boss', '/audit', '/audit.csv?user=boss']) {
      const res = await request(path, { cookie: nosyAgain });
      expect(res.status, path).toBe(200);
      const body = await res.text();
      expect(body, path).not.toContain('Reset the password of nosy');
    }
    expect(await (await request('/audit?user=boss', { cookie: nosyAgain })).text()).toContain('none of boss');
    // The admin does see it.
    expect(await (await request('/audit?user=boss', { cookie: boss })).text()).toContain('Reset the password of nosy');

    for (const action of ['promote', 'disable', 'delete', 'reset-password']) {
      expect((await postForm(`/users/${nosyId}/${action}`, { password: 'self-serve password' }, { cookie: nosyAgain })).status).toBe(403);
    }
    // The reset ended the session nosy had before.
    expect((await request('/', { cookie: nosy })).status).toBe(302);
  });
});
