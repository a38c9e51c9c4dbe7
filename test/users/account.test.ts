import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { sessions } from '../../db/schema.ts';
import { auditRecords, auditRecordsOf } from '../support/audit-records.ts';
import { createTestApp, createUserWithPassword } from '../support/app.ts';
import { useTestDatabase, type TestDatabase } from '../support/database.ts';

let db: TestDatabase;

useTestDatabase((created) => (db = created));

describe('changing your own password', () => {
  async function signedIn(postForm: Awaited<ReturnType<typeof createTestApp>>['postForm']) {
    const res = await postForm('/login', { username: 'owner', password: 'current password' });
    return res.headers.get('set-cookie')!.split(';')[0]!;
  }

  it('needs the current password, ends the other sessions and keeps this one', async () => {
    const { postForm, request } = await createTestApp({ db });
    const owner = await createUserWithPassword(db, 'owner', 'current password');
    const here = await signedIn(postForm);
    const elsewhere = await signedIn(postForm);
    expect(await db.db.select().from(sessions).where(eq(sessions.userId, owner.id))).toHaveLength(2);

    const page = await request('/account', { cookie: here });
    expect(await page.text()).toContain('name="current"');

    const res = await postForm(
      '/account/password',
      { current: 'current password', password: 'a better password', confirm: 'a better password' },
      { cookie: here, htmx: true },
    );
    expect(res.status).toBe(200);
    const fragment = await res.text();
    expect(fragment.startsWith('<form id="password-form"')).toBe(true);
    expect(fragment).toContain('Your password was changed. Your other sessions have ended.');
    expect(await auditRecordsOf(db.db, res)).toMatchObject([{ action: 'user.password-change', outcome: 'success', actorName: 'owner' }]);
    expect((await request('/', { cookie: here })).status).toBe(200);
    expect((await request('/', { cookie: elsewhere })).status).toBe(302);
    expect((await postForm('/login', { username: 'owner', password: 'current password' })).status).toBe(401);
    expect((await postForm('/login', { username: 'owner', password: 'a better password' })).status).toBe(303);
    expect(JSON.stringify(await auditRecords(db.db))).not.toMatch(/current password|a better password/);
  });

  it.each([
    ['a wrong current password', { current: 'not the password', password: 'a better password', confirm: 'a better password' }, 'The current password is wrong.'],
    ['no current password', { current: '', password: 'a better password', confirm: 'a better password' }, 'Enter your current password.'],
    ['a short new password', { current: 'current password', password: 'short', confirm: 'short' }, 'at least 8 characters'],
    ['a 10 kB new password', { current: 'current password', password: 'x'.repeat(10_240), confirm: 'x'.repeat(10_240) }, 'at most 1024'],
    ['two different new passwords', { current: 'current password', password: 'a better password', confirm: 'a bitter password' }, 'The two new passwords differ.'],
  ])('refuses %s with a clear message and one failure record, changing nothing', async (_, fields, message) => {
    const { postForm } = await createTestApp({ db });
    await createUserWithPassword(db, 'owner', 'current password');
    const here = await signedIn(postForm);
    const elsewhere = await signedIn(postForm);
    const res = await postForm('/account/password', fields, { cookie: here });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain(message);
    expect(await auditRecordsOf(db.db, res)).toMatchObject([{ action: 'user.password-change', outcome: 'failure' }]);
    expect(await db.db.select().from(sessions)).toHaveLength(2);
    expect(elsewhere).toBeTruthy();
    expect((await postForm('/login', { username: 'owner', password: 'current password' })).status).toBe(303);
  });
});
