import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, beforeEach, inject } from 'vitest';
import { connectDatabase, type DatabaseHandle } from '../../db/client.ts';
import { applyMigrations } from '../../db/migrate.ts';

export interface TestDatabase extends DatabaseHandle {
  /** URL of this file's own database, as its owner. */
  url: string;
  name: string;
  /** Drops the database and closes the pool. */
  drop(): Promise<void>;
}

/** The server URL with another database name (or none). */
export function withDatabase(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** A fresh, migrated database of its own for one test file. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = inject('databaseServerUrl');
  const name = `berth_t_${randomBytes(5).toString('hex')}`;
  const admin = await mysql.createConnection({ uri: withDatabase(serverUrl, '') });
  await admin.query(`CREATE DATABASE \`${name}\``);
  await admin.end();
  const url = withDatabase(serverUrl, name);
  await applyMigrations(url);
  const handle = connectDatabase(url, { connectionLimit: 20 });
  return {
    ...handle,
    url,
    name,
    async drop() {
      await handle.close();
      const conn = await mysql.createConnection({ uri: withDatabase(serverUrl, '') });
      await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await conn.end();
    },
  };
}

/** Empties every table but the chain head (reset to genesis) between tests. */
export async function truncateAll(db: TestDatabase): Promise<void> {
  const conn = await mysql.createConnection({ uri: db.url });
  try {
    await conn.query('SET FOREIGN_KEY_CHECKS = 0');
    const [tables] = await conn.query(
      "SELECT table_name AS t FROM information_schema.tables WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE' AND table_name NOT IN ('__drizzle_migrations', 'audit_chain_head')",
    );
    for (const { t } of tables as { t: string }[]) await conn.query(`TRUNCATE TABLE \`${t}\``);
    await conn.query("UPDATE audit_chain_head SET last_event_id = 0, last_hash = REPEAT('0', 64) WHERE id = 1");
    await conn.query('SET FOREIGN_KEY_CHECKS = 1');
  } finally {
    await conn.end();
  }
}

/**
 * The usual life of a test file's database: made before the first test,
 * emptied before each, dropped after the last. `use` receives it once made.
 *
 * @example
 * let db: TestDatabase;
 * useTestDatabase((created) => (db = created));
 */
export function useTestDatabase(use: (db: TestDatabase) => void): void {
  let db: TestDatabase | undefined;
  beforeAll(async () => {
    db = await createTestDatabase();
    use(db);
  });
  afterAll(async () => {
    await db?.drop();
  });
  beforeEach(async () => {
    if (db) await truncateAll(db);
  });
}
