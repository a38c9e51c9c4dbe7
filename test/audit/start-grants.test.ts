import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startBerth } from '../../functions/node/main.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { createRestrictedAccount, type RestrictedAccount } from '../support/restricted-account.ts';

let db: TestDatabase;
let app: RestrictedAccount;
let dataDir: string;

beforeAll(async () => {
  db = await createTestDatabase();
  app = await createRestrictedAccount(db);
  dataDir = await mkdtemp(join(tmpdir(), 'berth-grants-'));
});
afterAll(async () => {
  await app.drop();
  await db.drop();
  await rm(dataDir, { recursive: true, force: true });
});

function startWith(env: Record<string, string>) {
  return startBerth({ PORT: '0', BERTH_LOCAL_AGENT: 'off', BERTH_DATA_DIR: dataDir, BERTH_SYNC_INTERVAL_MS: '600000', ...env });
}

describe('npm start with an owner account', () => {
  it("applies the grants after migrating: the app's account loses its database-wide rights", async () => {
    const owner = await mysql.createConnection({ uri: db.url });
    try {
      await owner.query("GRANT ALL PRIVILEGES ON ??.* TO ?@'%'", [db.name, app.user]);
      const berth = await startWith({ DATABASE_URL: app.url, DATABASE_ADMIN_URL: db.url });
      await berth.close();
      const [grants] = await owner.query<mysql.RowDataPacket[]>("SHOW GRANTS FOR ?@'%'", [app.user]);
      const text = grants.map((g) => String(Object.values(g)[0])).join('\n');
      expect(text).not.toContain(`ON \`${db.name}\`.*`);
      expect(text).toMatch(/GRANT SELECT, INSERT ON `[^`]+`\.`audit_events`/);
    } finally {
      await owner.end();
    }
  });

  it('warns when one account both migrates and runs the app', async () => {
    const said = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      const berth = await startWith({ DATABASE_URL: db.url });
      await berth.close();
      expect(said.mock.calls.flat().join('\n')).toContain('cannot make the audit trail append-only');
    } finally {
      said.mockRestore();
    }
  });
});
