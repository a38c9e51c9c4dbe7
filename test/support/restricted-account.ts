import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import { connectDatabase, type DatabaseHandle } from '../../db/client.ts';
import { applyAppGrants } from '../../db/grants.ts';
import type { TestDatabase } from './database.ts';

/** A MySQL account with the application's production rights on a test database. */
export interface RestrictedAccount extends DatabaseHandle {
  url: string;
  user: string;
  host: string;
  /** The test database's owner URL, for statements the account may not run. */
  ownerUrl: string;
  /** Closes the pool and drops the account. */
  drop(): Promise<void>;
}

async function asOwner(ownerUrl: string, sql: string, values: unknown[]): Promise<void> {
  const conn = await mysql.createConnection({ uri: ownerUrl });
  try {
    await conn.query(sql, values);
  } finally {
    await conn.end();
  }
}

/**
 * Creates a uniquely named account (accounts are server-wide) and gives it
 * exactly the rights `applyAppGrants` gives Berth's account in production.
 *
 * @example const app = await createRestrictedAccount(db); createTestApp({ db: { ...db, db: app.db } })
 */
export async function createRestrictedAccount(owner: TestDatabase): Promise<RestrictedAccount> {
  const user = `berth_app_${randomBytes(5).toString('hex')}`;
  const host = '%';
  const password = randomBytes(18).toString('base64url');
  await asOwner(owner.url, 'CREATE USER ?@? IDENTIFIED BY ?', [user, host, password]);
  await applyAppGrants(owner.url, { user, host, database: owner.name });
  const url = new URL(owner.url);
  url.username = user;
  url.password = password;
  const handle = connectDatabase(url.toString(), { connectionLimit: 5 });
  return {
    ...handle,
    url: url.toString(),
    user,
    host,
    ownerUrl: owner.url,
    async drop() {
      await handle.close();
      await asOwner(owner.url, 'DROP USER IF EXISTS ?@?', [user, host]);
    },
  };
}

/**
 * Runs `fn` while the account cannot write the audit trail (INSERT on
 * `audit_events` revoked), then gives the right back, even if `fn` throws.
 * MySQL applies table-level changes to open connections at their next statement.
 */
export async function withAuditUnwritable<T>(account: RestrictedAccount, fn: () => T | Promise<T>): Promise<T> {
  const database = new URL(account.ownerUrl).pathname.slice(1);
  await asOwner(account.ownerUrl, 'REVOKE INSERT ON ??.audit_events FROM ?@?', [database, account.user, account.host]);
  try {
    return await fn();
  } finally {
    await asOwner(account.ownerUrl, 'GRANT INSERT ON ??.audit_events TO ?@?', [database, account.user, account.host]);
  }
}
