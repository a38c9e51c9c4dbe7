import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { hosts, resources, sessions, users } from '../../db/schema.ts';
import { auditRecords, auditRecordsOf } from '../support/audit-records.ts';
import { createSignedInUser, createTestApp, createUserWithPassword, testClock } from '../support/app.ts';
import { useTestDatabase, type TestDatabase } from '../support/database.ts';

let db: TestDatabase;

useTestDatabase((created) => (db = created));

const userRow = async (id: number) => (await db.db.select().from(users).where(eq(users.id, id)))[0];
const sessionsOf = async (id: number) => db.db.select().from(sessions).where(eq(sessions.userId, id));

/** Runs a request and returns it with the audit records it wrote. */
async function withRecords(send: () => Response | Promise<Response>) {
  const res = await send();
  return { res, text: await res.text(), records: await auditRecordsOf(db.db, res) };
}

describe('admin routes', () => {
  it.each(['promote', 'demote', 'disable', 'enable', 'delete', 'reset-password'])(
    '/users/:id/%s answers 403 to a user, records the denial, and changes nothing',
    async (action) => {
      const { postForm } = await createTestApp({ db });
      const admin = await createSignedInUser(db, 'theadmin', 'admin');
      const user = await createSignedInUser(db, 'plainuser');
      const { res, text, records } = await withRecords(() =>
        postForm(`/users/${admin.id}/${action}`, { password: 'hijacked password' }, { cookie: user.cookie }),
      );
      expect(res.status).toBe(403);
      expect(text).toContain('for administrators only');
      expect(records).toMatchObject([{ action: 'access.admin', outcome: 'denied', actorName: 'plainuser' }]);
      expect(await userRow(admin.id)).toMatchObject({ role: 'admin', disabledAt: null, passwordHash: 'test-only:not-a-hash' });
      expect(await sessionsOf(admin.id)).toHaveLength(1);
    },
  );

  it('promotes and demotes, answering htmx with the updated row and the message out of band', async () => {
    const { postForm } = await createTestApp({ db });
    const admin = await createSignedInUser(db, 'promoter', 'admin');
    const user = await createSignedInUser(db, 'climber');

    const up = await withRecords(() => postForm(`/users/${user.id}/promote`, {}, { cookie: admin.cookie, htmx: true }));
    expect(up.res.status).toBe(200);
    expect(up.text).toMatch(new RegExp(`^<tr id="user-${user.id}">`));
    expect(up.text).toContain('<td>admin</td>');
    expect(up.text).toContain('<div id="messages" hx-swap-oob="innerHTML">');
    expect(up.text).toContain('climber is an administrator.');
    expect(up.records).toMatchObject([
      { action: 'user.promote', outcome: 'success', actorName: 'promoter', targetKind: 'user', targetId: String(user.id), targetName: 'climber' },
    ]);
    expect((await userRow(user.id))!.role).toBe('admin');

    const down = await withRecords(() => postForm(`/users/${user.id}/demote`, {}, { cookie: admin.cookie, htmx: true }));
    expect(down.text).toContain('<td>user</td>');
    expect(down.records).toMatchObject([{ action: 'user.demote', outcome: 'success' }]);
    expect((await userRow(user.id))!.role).toBe('user');
  });

  it('answers a form sent without JavaScript with the home page and the result', async () => {
    const { postForm } = await createTestApp({ db });
    const admin = await createSignedInUser(db, 'nojs', 'admin');
    const user = await createSignedInUser(db, 'nojsuser');
    const res = await postForm(`/users/${user.id}/promote`, {}, { cookie: admin.cookie });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<html');
    expect(html).toContain('nojsuser is an administrator.');
  });

  it('never demotes, disables or deletes the last active admin', async () => {
    const { postForm } = await createTestApp({ db });
    const admin = await createSignedInUser(db, 'onlyadmin', 'admin');
    const demote = await withRecords(() => postForm(`/users/${admin.id}/demote`, {}, { cookie: admin.cookie, htmx: true }));
    expect(demote.res.status).toBe(409);
    expect(demote.res.headers.get('hx-retarget')).toBe('#messages');
    expect(demote.text).toContain('Berth must keep an active administrator');
    expect(demote.records).toMatchObject([{ action: 'user.demote', outcome: 'denied' }]);
    expect((await userRow(admin.id))!.role).toBe('admin');

    // A second admin who is disabled does not count: the first is still the last active one.
    const dormant = await createSignedInUser(db, 'dormant', 'admin');
    await postForm(`/users/${dormant.id}/disable`, {}, { cookie: admin.cookie });
    expect((await postForm(`/users/${admin.id}/demote`, {}, { cookie: admin.cookie })).status).toBe(409);

    // With another active admin, the first may step down; then the other is the last.
    const other = await createSignedInUser(db, 'otheradmin', 'admin');
    expect((await postForm(`/users/${admin.id}/demote`, {}, { cookie: other.cookie })).status).toBe(200);
    expect((await postForm(`/users/${other.id}/demote`, {}, { cookie: other.cookie })).status).toBe(409);
    expect((await userRow(other.id))!.role).toBe('admin');
  });

  it('lets only one of two admins demoting each other at the same moment succeed', async () => {
    const { postForm } = await createTestApp({ db });
    const a = await createSignedInUser(db, 'admin-a', 'admin');
    const b = await createSignedInUser(db, 'admin-b', 'admin');
    const results = await Promise.all([
      postForm(`/users/${b.id}/demote`, {}, { cookie: a.cookie, htmx: true }),
      postForm(`/users/${a.id}/demote`, {}, { cookie: b.cookie, htmx: true }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    const admins = (await db.db.select().from(users)).filter((u) => u.role === 'admin');
    expect(admins).toHaveLength(1);
    expect(await auditRecords(db.db)).toHaveLength(2);
  });

  it('refuses an admin disabling or deleting themself', async () => {
    const { postForm } = await createTestApp({ db });
    const admin = await createSignedInUser(db, 'selfish', 'admin');
    await createSignedInUser(db, 'spare', 'admin');
    for (const action of ['disable', 'delete']) {
      const { res, text, records } = await withRecords(() => postForm(`/users/${admin.id}/${action}`, {}, { cookie: admin.cookie }));
      expect(res.status).toBe(409);
      expect(text).toContain(`You cannot ${action} yourself`);
      expect(records).toMatchObject([{ action: `user.${action}`, outcome: 'denied' }]);
    }
    expect(await userRow(admin.id)).toMatchObject({ disabledAt: null });
  });

  it('disabling ends all the user’s sessions at once and stops logins; enabling lets them back in', async () => {
    const clock = testClock();
    const { postForm, request } = await createTestApp({ db, clock });
    const admin = await createSignedInUser(db, 'disabler', 'admin', clock());
    await createUserWithPassword(db, 'victim', 'victim password');
    const first = (await postForm('/login', { username: 'victim', password: 'victim password' })).headers.get('set-cookie')!.split(';')[0]!;
    const second = (await postForm('/login', { username: 'victim', password: 'victim password' }, {})).headers.get('set-cookie')!.split(';')[0]!;
    const victimId = (await db.db.select().from(users).where(eq(users.username, 'victim')))[0]!.id;
    expect(await sessionsOf(victimId)).toHaveLength(2);

    const { res, text, records } = await withRecords(() => postForm(`/users/${victimId}/disable`, {}, { cookie: admin.cookie, htmx: true }));
    expect(res.status).toBe(200);
    expect(text).toContain('<td>disabled</td>');
    expect(text).toContain('victim is disabled; their sessions have ended.');
    expect(records).toMatchObject([{ action: 'user.disable', outcome: 'success', targetName: 'victim' }]);
    expect(await sessionsOf(victimId)).toHaveLength(0);
    for (const cookie of [first, second]) expect((await request('/', { cookie })).status).toBe(302);
    expect((await postForm('/login', { username: 'victim', password: 'victim password' })).status).toBe(403);

    const enable = await withRecords(() => postForm(`/users/${victimId}/enable`, {}, { cookie: admin.cookie, htmx: true }));
    expect(enable.text).toContain('<td>active</td>');
    expect(enable.records).toMatchObject([{ action: 'user.enable', outcome: 'success' }]);
    expect((await postForm('/login', { username: 'victim', password: 'victim password' })).status).toBe(303);
  });

  it('deletes a user: sessions gone, private resources kept in an admin-only workspace, others untouched', async () => {
    const { postForm } = await createTestApp({ db });
    const admin = await createSignedInUser(db, 'deleter', 'admin');
    const doomed = await createSignedInUser(db, 'Doomed');
    const [host] = await db.db.insert(hosts).values({ name: 'h1', agentUrl: 'http://127.0.0.1:1', agentPublicKey: 'k', createdAt: new Date() });
    const resource = (dockerId: string, workspace: string) => ({
      hostId: host.insertId,
      kind: 'container' as const,
      dockerId,
      workspace,
      origin: 'platform' as const,
      createdBy: workspace,
      name: dockerId,
      createdAt: new Date(),
    });
    await db.db.insert(resources).values([resource('c1', 'Doomed'), resource('c2', 'Doomed'), resource('c3', 'public'), resource('c4', 'deleter')]);

    const { res, text, records } = await withRecords(() => postForm(`/users/${doomed.id}/delete`, {}, { cookie: admin.cookie, htmx: true }));
    expect(res.status).toBe(200);
    expect(text).not.toContain('<tr');
    expect(text).toContain('Doomed was deleted and their sessions ended. Their private containers and images (2) stay, in the workspace &quot;deleted:Doomed&quot; that only administrators see.');
    expect(records).toMatchObject([
      { action: 'user.delete', outcome: 'success', targetName: 'Doomed', detail: { reassignedTo: 'deleted:Doomed', reassigned: 2 } },
    ]);
    expect(await userRow(doomed.id)).toBeUndefined();
    expect(await sessionsOf(doomed.id)).toHaveLength(0);
    const workspaces = Object.fromEntries((await db.db.select().from(resources)).map((r) => [r.dockerId, r.workspace]));
    expect(workspaces).toEqual({ c1: 'deleted:Doomed', c2: 'deleted:Doomed', c3: 'public', c4: 'deleter' });

    // A new account with the same name does not inherit them.
    expect((await postForm('/register', { username: 'doomed', password: 'reborn password' })).status).toBe(303);
    expect((await db.db.select().from(resources).where(eq(resources.workspace, 'doomed'))).length).toBe(0);
  });

  it('deleting a user row named after a workspace (made before names were reserved) leaves the shared resources shared', async () => {
    const { postForm } = await createTestApp({ db });
    const admin = await createSignedInUser(db, 'deleter', 'admin');
    const squatter = await createSignedInUser(db, 'Public');
    const [host] = await db.db.insert(hosts).values({ name: 'h1', agentUrl: 'http://127.0.0.1:1', agentPublicKey: 'k', createdAt: new Date() });
    await db.db.insert(resources).values(
      ['shared1', 'shared2'].map((dockerId) => ({
        hostId: host.insertId,
        kind: 'image' as const,
        dockerId,
        workspace: 'public',
        origin: 'preexisting' as const,
        createdBy: null,
        name: dockerId,
        createdAt: new Date(),
      })),
    );
    const { res, records } = await withRecords(() => postForm(`/users/${squatter.id}/delete`, {}, { cookie: admin.cookie, htmx: true }));
    expect(res.status).toBe(200);
    expect(records).toMatchObject([{ action: 'user.delete', outcome: 'success', detail: { reassigned: 0 } }]);
    expect((await db.db.select().from(resources)).map((r) => r.workspace)).toEqual(['public', 'public']);
  });

  it('says in the confirmation text where a deleted user’s resources go', async () => {
    const { request } = await createTestApp({ db });
    const admin = await createSignedInUser(db, 'confirmer', 'admin');
    await createSignedInUser(db, 'someone');
    const html = await (await request('/', { cookie: admin.cookie })).text();
    expect(html).toContain('hx-confirm="Delete someone? Their sessions end. Their private containers and images stay, moved to the workspace &quot;deleted:someone&quot;, which only administrators see."');
  });

  it('resets a password: the new one works, the old one not, and the user’s sessions end', async () => {
    const { postForm, request } = await createTestApp({ db });
    const admin = await createSignedInUser(db, 'resetter', 'admin');
    const target = await createUserWithPassword(db, 'forgetful', 'old password');
    const cookie = (await postForm('/login', { username: 'forgetful', password: 'old password' })).headers.get('set-cookie')!.split(';')[0]!;

    const { res, text, records } = await withRecords(() =>
      postForm(`/users/${target.id}/reset-password`, { password: 'brand new password' }, { cookie: admin.cookie, htmx: true }),
    );
    expect(res.status).toBe(200);
    expect(text).toContain('The password of forgetful was reset; their sessions have ended.');
    expect(records).toMatchObject([{ action: 'user.password-reset', outcome: 'success', targetName: 'forgetful' }]);
    expect(JSON.stringify(records)).not.toContain('brand new password');
    expect((await request('/', { cookie })).status).toBe(302);
    expect((await postForm('/login', { username: 'forgetful', password: 'old password' })).status).toBe(401);
    expect((await postForm('/login', { username: 'forgetful', password: 'brand new password' })).status).toBe(303);
  });

  it.each([
    ['empty', '', 'Enter a password.'],
    ['short', 'short', 'at least 8 characters'],
    ['10 kB', 'p'.repeat(10_240), 'at most 1024 characters'],
  ])('refuses a reset to an %s password with a clear message and a failure record', async (_, password, message) => {
    const { postForm } = await createTestApp({ db });
    const admin = await createSignedInUser(db, 'strict', 'admin');
    const target = await createSignedInUser(db, 'kept');
    const { res, text, records } = await withRecords(() => postForm(`/users/${target.id}/reset-password`, { password }, { cookie: admin.cookie, htmx: true }));
    expect(res.status).toBe(400);
    expect(text).toContain(message);
    expect(records).toMatchObject([{ action: 'user.password-reset', outcome: 'failure' }]);
    expect((await userRow(target.id))!.passwordHash).toBe('test-only:not-a-hash');
    expect(await sessionsOf(target.id)).toHaveLength(1);
  });

  it.each([
    ['promote', 'user.promote'],
    ['demote', 'user.demote'],
    ['disable', 'user.disable'],
    ['enable', 'user.enable'],
    ['delete', 'user.delete'],
    ['reset-password', 'user.password-reset'],
  ])(
    '/users/:id/%s answers an unknown or malformed id with 404 and one %s failure record',
    async (action, recorded) => {
      const { postForm } = await createTestApp({ db });
      const admin = await createSignedInUser(db, 'looker', 'admin');
      for (const id of ['999999', 'abc', '0', '-1', '1e3', '9'.repeat(40)]) {
        const { res, text, records } = await withRecords(() => postForm(`/users/${id}/${action}`, { password: 'valid password' }, { cookie: admin.cookie }));
        expect(res.status, id).toBe(404);
        expect(text).toContain('There is no such user.');
        expect(records).toMatchObject([{ action: recorded, outcome: 'failure' }]);
      }
      expect(await userRow(admin.id)).toMatchObject({ role: 'admin', disabledAt: null });
    },
  );
});
