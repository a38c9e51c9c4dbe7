import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordAuditEvent } from '../support/audit-records.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { createRestrictedAccount, type RestrictedAccount } from '../support/restricted-account.ts';

const berth = fileURLToPath(new URL('../../bin/berth.js', import.meta.url));

/** Runs `berth <args>` as an operator would, with only the given database variables set. */
function runBerth(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  const { DATABASE_URL: _, DATABASE_ADMIN_URL: __, ...rest } = process.env;
  return new Promise((resolve) => {
    execFile(process.execPath, [berth, ...args], { env: { ...rest, ...env }, timeout: 30_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr });
    });
  });
}

let db: TestDatabase;
let app: RestrictedAccount;
const auditorUser = `auditor_${randomBytes(4).toString('hex')}`;

beforeAll(async () => {
  db = await createTestDatabase();
  app = await createRestrictedAccount(db);
});
afterAll(async () => {
  await app.drop();
  const owner = await mysql.createConnection({ uri: db.url });
  await owner.query("DROP USER IF EXISTS ?@'%'", [auditorUser]);
  await owner.end();
  await db.drop();
});

describe('berth audit verify', () => {
  it('reports OK with the newest hash, then names the first broken record with exit code 1', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 4; i++) ids.push(await recordAuditEvent(db.db, { message: `record ${i}` }));
    const ok = await runBerth(['audit', 'verify'], { DATABASE_URL: db.url });
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(new RegExp(`^OK: the audit trail's 4 records form an unbroken chain\\.\\nNewest record #${ids[3]}, hash [0-9a-f]{64}\\n$`));

    const owner = await mysql.createConnection({ uri: db.url });
    await owner.query("UPDATE audit_events SET outcome = 'failure' WHERE id = ?", [ids[1]]);
    await owner.end();
    const broken = await runBerth(['audit', 'verify'], { DATABASE_ADMIN_URL: db.url, DATABASE_URL: app.url });
    expect(broken.code).toBe(1);
    expect(broken.stdout).toContain(`BROKEN at record #${ids[1]}: Record #${ids[1]} was changed after it was written`);
  });

  it('says which variable to set when no database is named', async () => {
    const res = await runBerth(['audit', 'verify'], {});
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('Set DATABASE_ADMIN_URL or DATABASE_URL');
  });
});

describe('berth db', () => {
  it('grant-app limits the DATABASE_URL account, using DATABASE_ADMIN_URL', async () => {
    const owner = await mysql.createConnection({ uri: db.url });
    try {
      await owner.query("GRANT ALL PRIVILEGES ON ??.* TO ?@'%'", [db.name, app.user]);
      const res = await runBerth(['db', 'grant-app'], { DATABASE_ADMIN_URL: db.url, DATABASE_URL: app.url });
      expect(res.stderr).toBe('');
      expect(res.stdout).toContain(`Granted '${app.user}'@'%' its rights on ${db.name}`);
      const [grants] = await owner.query<mysql.RowDataPacket[]>("SHOW GRANTS FOR ?@'%'", [app.user]);
      expect(grants.map((g) => String(Object.values(g)[0])).join('\n')).not.toContain(`ON \`${db.name}\`.*`);
    } finally {
      await owner.end();
    }
  });

  it('create-auditor makes a view-only account with the given password', async () => {
    const password = randomBytes(16).toString('hex');
    const res = await runBerth(['db', 'create-auditor', auditorUser], { DATABASE_ADMIN_URL: db.url, BERTH_AUDITOR_PASSWORD: password });
    expect(res.stderr).toBe('');
    expect(res.stdout).toContain(`may read audit_log, audit_daily_actions in ${db.name}`);
    expect(res.stdout).not.toContain(password);
    const url = new URL(db.url);
    url.username = auditorUser;
    url.password = password;
    const conn = await mysql.createConnection({ uri: url.toString() });
    await conn.query('SELECT COUNT(*) FROM audit_log');
    await expect(conn.query('SELECT COUNT(*) FROM audit_events')).rejects.toMatchObject({ code: 'ER_TABLEACCESS_DENIED_ERROR' });
    await conn.end();
  });

  it('create-auditor prints a generated password once, and usage without a name', async () => {
    const generated = await runBerth(['db', 'create-auditor', auditorUser], { DATABASE_ADMIN_URL: db.url });
    const password = /Its password \(shown once\): (\S+)/.exec(generated.stdout)?.[1];
    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    const usage = await runBerth(['db', 'create-auditor'], { DATABASE_ADMIN_URL: db.url });
    expect(usage.code).toBe(1);
    expect(usage.stderr).toContain('Usage: berth db create-auditor <user>');
  });
});
