import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditRecordsOf } from '../support/audit-records.ts';
import { createSignedInUser, createTestApp } from '../support/app.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { unsafeRoutes } from '../support/routes.ts';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
});

/**
 * Every route that can change state must leave exactly one outcome record,
 * whoever calls it and however bad the input. The routes are read from the
 * app itself, so a route added without its audit record fails here.
 */
describe('every state-changing route writes exactly one audit record', async () => {
  // Listing routes touches no database: the app only uses it to serve requests.
  const { app } = await createTestApp({ db: { db: {} } as unknown as TestDatabase });
  const routes = unsafeRoutes(app);

  it('finds the state-changing routes', () => {
    expect(routes.length).toBeGreaterThan(0);
  });

  for (const role of ['admin', 'user'] as const) {
    it.each(routes)(`$method $pattern, as ${role} with an empty form`, async ({ method, path }) => {
      const { request } = await createTestApp({ db });
      const caller = await createSignedInUser(db, `routes_${role}_${Math.random().toString(36).slice(2, 8)}`, role);
      const res = await request(path, {
        method,
        cookie: caller.cookie,
        body: new URLSearchParams(),
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      });
      expect(res.status, 'an empty form is bad input, never a server error').toBeLessThan(500);
      const records = await auditRecordsOf(db.db, res);
      expect(records, `${method} ${path} as ${role} answered ${res.status}`).toHaveLength(1);
      expect(['success', 'failure', 'denied']).toContain(records[0]!.outcome);
    });
  }
});
