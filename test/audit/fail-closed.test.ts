import { eq } from 'drizzle-orm';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteSession } from '../../db/queries/sessions.ts';
import { sessions } from '../../db/schema.ts';
import { audit } from '../../functions/audit/audit.ts';
import { auditUnwritableMessage } from '../../functions/middleware/audit-writable.ts';
import { auditRecordsOf } from '../support/audit-records.ts';
import { createSignedInUser, createTestApp } from '../support/app.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { createRestrictedAccount, withAuditUnwritable, type RestrictedAccount } from '../support/restricted-account.ts';
import { unsafeRoutes } from '../support/routes.ts';

let db: TestDatabase;
let account: RestrictedAccount;

beforeAll(async () => {
  db = await createTestDatabase();
  account = await createRestrictedAccount(db);
});
afterAll(async () => {
  await account.drop();
  await db.drop();
});

/**
 * The app on the application's restricted account, plus one state-changing
 * action of its own (it ends the caller's session, then records that), so
 * "no effect" can be observed whatever routes this branch has.
 */
async function appWithAction() {
  const test = await createTestApp({ db: { ...db, db: account.db } });
  test.app.post('/test-only/end-my-session', async (c) => {
    await deleteSession(c.get('db'), c.get('sessionId')!);
    await audit(c, { action: 'session.end', outcome: 'success', message: 'Ended the session.' });
    return c.text('ended');
  });
  return test;
}

async function sessionCount(userId: number): Promise<number> {
  return db.db.$count(sessions, eq(sessions.userId, userId));
}

describe('fail closed: no action without its audit record', () => {
  it('refuses a state-changing action with 503 and a clear message when the audit table is unwritable, and the action has no effect', async () => {
    const { request, logger } = await appWithAction();
    const alice = await createSignedInUser(db, 'failclosed_alice');

    const res = await withAuditUnwritable(account, () => request('/test-only/end-my-session', { method: 'POST', cookie: alice.cookie }));
    expect(res.status).toBe(503);
    expect(await res.text()).toContain(auditUnwritableMessage.replace("'", '&#39;'));
    expect(await sessionCount(alice.id)).toBe(1);
    expect(await auditRecordsOf(db.db, res)).toHaveLength(0);
    const logged = logger.lines.find((l) => l.level === 'error' && l.detail?.requestId === res.headers.get('x-request-id'));
    expect(logged?.message).toMatch(/audit trail cannot be written/);
    expect(String(logged?.detail?.error)).toMatch(/INSERT command denied/i);

    // Writable again: the same action happens, once, with its record.
    const again = await request('/test-only/end-my-session', { method: 'POST', cookie: alice.cookie });
    expect(again.status).toBe(200);
    expect(await sessionCount(alice.id)).toBe(0);
    expect(await auditRecordsOf(db.db, again)).toMatchObject([{ action: 'session.end', outcome: 'success', actorName: 'failclosed_alice' }]);
  });

  it('shows the refusal to htmx as a notice in the message area', async () => {
    const { request } = await appWithAction();
    const bob = await createSignedInUser(db, 'failclosed_bob');
    const res = await withAuditUnwritable(account, () =>
      request('/test-only/end-my-session', { method: 'POST', cookie: bob.cookie, htmx: true }),
    );
    expect(res.status).toBe(503);
    expect(res.headers.get('hx-retarget')).toBe('#messages');
    expect(await res.text()).toContain('did not carry out this action');
  });

  it('refuses every state-changing route of the app while the trail is unwritable', async () => {
    const { app, request } = await createTestApp({ db: { ...db, db: account.db } });
    const admin = await createSignedInUser(db, 'failclosed_admin', 'admin');
    const routes = unsafeRoutes(app);
    expect(routes.length).toBeGreaterThan(0);
    await withAuditUnwritable(account, async () => {
      for (const { method, path } of routes) {
        const res = await request(path, { method, cookie: admin.cookie, body: new URLSearchParams() });
        expect(res.status, `${method} ${path}`).toBe(503);
      }
    });
  });

  it('still serves pages that change nothing', async () => {
    const { request } = await createTestApp({ db: { ...db, db: account.db } });
    const carol = await createSignedInUser(db, 'failclosed_carol');
    const res = await withAuditUnwritable(account, () => request('/audit', { cookie: carol.cookie }));
    expect(res.status).toBe(200);
  });

  it('logs the whole record loudly when the write fails after the probe passed', async () => {
    const { app, request, logger } = await createTestApp({ db: { ...db, db: account.db } });
    // The trail breaks between the probe and the record: revoked inside the handler.
    app.post('/test-only/lose-record', async (c) => {
      const conn = await mysql.createConnection({ uri: account.ownerUrl });
      await conn.query('REVOKE INSERT ON ??.audit_events FROM ?@?', [db.name, account.user, account.host]);
      await conn.end();
      await audit(c, { action: 'thing.poke', outcome: 'success', message: 'Poked the thing.', target: { kind: 'thing', id: '42' } });
      return c.text('poked');
    });
    const dave = await createSignedInUser(db, 'failclosed_dave');
    let res: Response;
    try {
      res = await request('/test-only/lose-record', { method: 'POST', cookie: dave.cookie });
    } finally {
      const conn = await mysql.createConnection({ uri: account.ownerUrl });
      await conn.query('GRANT INSERT ON ??.audit_events TO ?@?', [db.name, account.user, account.host]);
      await conn.end();
    }
    expect(res.status).toBe(500);
    const line = logger.lines.find((l) => l.message.includes('AUDIT RECORD WAS NOT WRITTEN'));
    expect(line?.detail).toMatchObject({
      requestId: res.headers.get('x-request-id'),
      record: { action: 'thing.poke', outcome: 'success', actor: { name: 'failclosed_dave' }, target: { id: '42' } },
    });
  });
});
