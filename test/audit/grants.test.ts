import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../db/audit/verify.ts';
import { accountOf, applyAppGrants, createAuditorAccount } from '../../db/grants.ts';
import { recordAuditEvent } from '../support/audit-records.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { createRestrictedAccount, type RestrictedAccount } from '../support/restricted-account.ts';

let db: TestDatabase;
let app: RestrictedAccount;
const dropLater: string[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  app = await createRestrictedAccount(db);
});
afterAll(async () => {
  await app.drop();
  const conn = await mysql.createConnection({ uri: db.url });
  for (const user of dropLater) await conn.query("DROP USER IF EXISTS ?@'%'", [user]);
  await conn.end();
  await db.drop();
});

async function connectAs(url: string) {
  return mysql.createConnection({ uri: url });
}

function urlFor(user: string, password: string): string {
  const url = new URL(db.url);
  url.username = user;
  url.password = password;
  return url.toString();
}

async function newAccount(prefix: string): Promise<{ user: string; password: string; owner: mysql.Connection }> {
  const user = `${prefix}_${randomBytes(4).toString('hex')}`;
  const password = randomBytes(16).toString('hex');
  dropLater.push(user);
  const owner = await connectAs(db.url);
  await owner.query("CREATE USER ?@'%' IDENTIFIED BY ?", [user, password]);
  return { user, password, owner };
}

describe("the application's MySQL account", () => {
  it('may add to and read the audit trail', async () => {
    const id = await recordAuditEvent(app.db, { message: 'written by the app account' });
    expect(id).toBeGreaterThan(0);
    expect(await verifyAuditChain(app.db)).toMatchObject({ ok: true });
  });

  it('is refused an UPDATE and a DELETE of audit records by MySQL itself', async () => {
    const id = await recordAuditEvent(app.db);
    const conn = await connectAs(app.url);
    try {
      await expect(conn.query("UPDATE audit_events SET message = 'rewritten' WHERE id = ?", [id])).rejects.toMatchObject({
        code: 'ER_TABLEACCESS_DENIED_ERROR',
      });
      await expect(conn.query('DELETE FROM audit_events WHERE id = ?', [id])).rejects.toMatchObject({
        code: 'ER_TABLEACCESS_DENIED_ERROR',
      });
      await expect(conn.query('TRUNCATE TABLE audit_events')).rejects.toMatchObject({ code: 'ER_TABLEACCESS_DENIED_ERROR' });
      await expect(conn.query('DELETE FROM audit_chain_head')).rejects.toMatchObject({ code: 'ER_TABLEACCESS_DENIED_ERROR' });
      await expect(conn.query('DROP VIEW audit_log')).rejects.toMatchObject({ code: 'ER_TABLEACCESS_DENIED_ERROR' });
      const [rows] = await conn.query<mysql.RowDataPacket[]>('SELECT message FROM audit_events WHERE id = ?', [id]);
      expect(rows[0]?.message).toBe('A test record.');
    } finally {
      await conn.end();
    }
  });

  it('may still change the other tables and read the views', async () => {
    const conn = await connectAs(app.url);
    try {
      await conn.query("INSERT INTO users (username, password_hash, role, created_at) VALUES ('grants_probe', 'x', 'user', NOW(3))");
      await conn.query("UPDATE users SET role = 'admin' WHERE username = 'grants_probe'");
      await conn.query("DELETE FROM users WHERE username = 'grants_probe'");
      await conn.query('SELECT COUNT(*) FROM audit_log');
      await expect(conn.query('DELETE FROM __drizzle_migrations')).rejects.toMatchObject({ code: 'ER_TABLEACCESS_DENIED_ERROR' });
    } finally {
      await conn.end();
    }
  });

  it('loses a broader database-level grant, and applying the grants again changes nothing', async () => {
    const { user, password, owner } = await newAccount('berth_wide');
    try {
      await owner.query("GRANT ALL PRIVILEGES ON ??.* TO ?@'%' WITH GRANT OPTION", [db.name, user]);
      const account = await accountOf(urlFor(user, password));
      expect(account).toEqual({ user, host: '%', database: db.name });
      await applyAppGrants(db.url, account);
      const once = await grantsOf(owner, user);
      await applyAppGrants(db.url, account);
      expect(await grantsOf(owner, user)).toEqual(once);
      expect(once.join('\n')).not.toMatch(new RegExp(`ON \`${db.name}\`\\.\\*`));
      expect(once.join('\n')).toMatch(/GRANT SELECT, INSERT ON `[^`]+`\.`audit_events`/);
      const conn = await connectAs(urlFor(user, password));
      await expect(conn.query('UPDATE audit_events SET message = message')).rejects.toMatchObject({ code: 'ER_TABLEACCESS_DENIED_ERROR' });
      await conn.end();
    } finally {
      await owner.end();
    }
  });

  it('warns about rights on every database, which it cannot narrow', async () => {
    const { user, owner } = await newAccount('berth_global');
    try {
      await owner.query("GRANT SELECT, DELETE ON *.* TO ?@'%'", [user]);
      const { warnings } = await applyAppGrants(db.url, { user, host: '%', database: db.name });
      expect(warnings.join(' ')).toMatch(/rights on every database \((SELECT, DELETE|DELETE, SELECT)\)/);
    } finally {
      await owner.end();
    }
  });

  it('refuses account names that are not plain', async () => {
    await expect(applyAppGrants(db.url, { user: "x' OR 1=1 --", host: '%', database: db.name })).rejects.toThrow(/not a MySQL user name/);
  });
});

describe('the auditor account', () => {
  it('reads the documented views and nothing else', async () => {
    const user = `auditor_${randomBytes(4).toString('hex')}`;
    dropLater.push(user);
    const password = randomBytes(16).toString('hex');
    const result = await createAuditorAccount(db.url, { user, password, host: '%' });
    expect(result.views).toEqual(['audit_log', 'audit_daily_actions']);
    await recordAuditEvent(db.db, { action: 'container.start', actorName: 'auditor-test-alice' });

    const conn = await connectAs(urlFor(user, password));
    try {
      const [log] = await conn.query<mysql.RowDataPacket[]>("SELECT actor, action FROM audit_log WHERE actor = 'auditor-test-alice'");
      expect(log).toEqual([{ actor: 'auditor-test-alice', action: 'container.start' }]);
      const [daily] = await conn.query<mysql.RowDataPacket[]>("SELECT actor, events FROM audit_daily_actions WHERE actor = 'auditor-test-alice'");
      expect(daily.map((r) => [r.actor, Number(r.events)])).toEqual([['auditor-test-alice', 1]]);
      for (const sql of ['SELECT * FROM audit_events', 'SELECT * FROM users', 'SELECT * FROM sessions', 'SELECT * FROM audit_chain_head']) {
        await expect(conn.query(sql), sql).rejects.toMatchObject({ code: 'ER_TABLEACCESS_DENIED_ERROR' });
      }
      await expect(conn.query("UPDATE audit_log SET message = 'x'")).rejects.toMatchObject({ code: 'ER_TABLEACCESS_DENIED_ERROR' });
    } finally {
      await conn.end();
    }

    // Running it again resets the password and keeps the same rights.
    const newPassword = randomBytes(16).toString('hex');
    await createAuditorAccount(db.url, { user, password: newPassword, host: '%' });
    await expect(connectAs(urlFor(user, password))).rejects.toMatchObject({ code: 'ER_ACCESS_DENIED_ERROR' });
    const again = await connectAs(urlFor(user, newPassword));
    await again.query('SELECT COUNT(*) FROM audit_log');
    await again.end();
  });
});

async function grantsOf(owner: mysql.Connection, user: string): Promise<string[]> {
  const [rows] = await owner.query<mysql.RowDataPacket[]>("SHOW GRANTS FOR ?@'%'", [user]);
  return rows.map((r) => String(Object.values(r)[0])).sort();
}
