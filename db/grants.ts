/**
 * MySQL accounts and their rights. The application's account may change every
 * table but may only add to and read the audit trail, so no bug or injected
 * query in the app can rewrite history; an auditor's account reads the
 * documented views and nothing else. Every statement here is valid on MySQL 8
 * and MariaDB 10.11+.
 */
import mysql from 'mysql2/promise';
import { auditViews } from './audit/views.ts';

export interface MysqlAccount {
  user: string;
  /** The account's host part, e.g. `%` or `10.0.0.%`. */
  host: string;
}

export interface AppAccount extends MysqlAccount {
  database: string;
}

export interface GrantResult {
  /** Problems Berth cannot fix without touching other databases, for the operator to read. */
  warnings: string[];
}

type TablePrivilege = 'SELECT' | 'INSERT' | 'UPDATE' | 'DELETE';

const readWrite: TablePrivilege[] = ['SELECT', 'INSERT', 'UPDATE', 'DELETE'];

/**
 * What the application's account may do on one table or view. The audit
 * table: add and read, never change or delete. The chain head: read and move
 * (appends update it). The migrations ledger: read only; migrations run as
 * the owner account.
 */
export function appPrivilegesFor(table: string, type: 'BASE TABLE' | 'VIEW'): TablePrivilege[] {
  if (type === 'VIEW') return ['SELECT'];
  switch (table) {
    case 'audit_events':
      return ['SELECT', 'INSERT'];
    case 'audit_chain_head':
      return ['SELECT', 'UPDATE'];
    case '__drizzle_migrations':
      return ['SELECT'];
    default:
      return readWrite;
  }
}

// Names go into GRANT statements and into information_schema's GRANTEE
// strings, so they are held to plain characters rather than escaped twice.
const accountPart = /^[A-Za-z0-9_.$%:-]{1,80}$/;
const databaseName = /^[A-Za-z0-9_$]{1,64}$/;

function checkNames(account: MysqlAccount, database: string): void {
  if (!accountPart.test(account.user)) throw new Error(`"${account.user}" is not a MySQL user name Berth accepts (letters, digits, _ . $ -).`);
  if (!accountPart.test(account.host)) throw new Error(`"${account.host}" is not a MySQL account host Berth accepts (e.g. % or 10.0.0.%).`);
  if (!databaseName.test(database)) throw new Error(`"${database}" is not a database name Berth accepts (letters, digits, _ $).`);
}

function databaseOf(url: string): string {
  const name = decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
  if (!name) throw new Error('The database URL names no database (mysql://user:password@host:3306/<database>).');
  return name;
}

async function withConnection<T>(url: string, use: (conn: mysql.Connection) => Promise<T>): Promise<T> {
  const conn = await mysql.createConnection({ uri: url });
  try {
    return await use(conn);
  } finally {
    await conn.end();
  }
}

/**
 * Leaves `account` with exactly `wanted` on the database's tables: grants
 * them first, then revokes database-level rights and any other table rights,
 * so a running instance never loses a right it needs in between. Rights on
 * every database (`*.*`) are reported, not revoked: they may serve others.
 */
async function setExactTablePrivileges(
  conn: mysql.Connection,
  account: MysqlAccount,
  database: string,
  wanted: Map<string, TablePrivilege[]>,
): Promise<GrantResult> {
  const grantee = `'${account.user}'@'${account.host}'`;
  for (const [table, privileges] of wanted) {
    await conn.query(`GRANT ${privileges.join(', ')} ON ??.?? TO ?@?`, [database, table, account.user, account.host]);
  }

  const [schemaRows] = await conn.query<mysql.RowDataPacket[]>(
    'SELECT PRIVILEGE_TYPE AS privilege, IS_GRANTABLE AS grantable FROM information_schema.SCHEMA_PRIVILEGES WHERE GRANTEE = ? AND TABLE_SCHEMA = ?',
    [grantee, database],
  );
  if (schemaRows.length > 0) {
    await conn.query('REVOKE ALL PRIVILEGES ON ??.* FROM ?@?', [database, account.user, account.host]);
    if (schemaRows.some((r) => r.grantable === 'YES')) {
      await conn.query('REVOKE GRANT OPTION ON ??.* FROM ?@?', [database, account.user, account.host]);
    }
  }

  const [tableRows] = await conn.query<mysql.RowDataPacket[]>(
    'SELECT TABLE_NAME AS tableName, PRIVILEGE_TYPE AS privilege FROM information_schema.TABLE_PRIVILEGES WHERE GRANTEE = ? AND TABLE_SCHEMA = ?',
    [grantee, database],
  );
  const extra = new Map<string, string[]>();
  for (const { tableName, privilege } of tableRows as { tableName: string; privilege: string }[]) {
    if (wanted.get(tableName)?.includes(privilege as TablePrivilege)) continue;
    extra.set(tableName, [...(extra.get(tableName) ?? []), privilege]);
  }
  for (const [table, privileges] of extra) {
    // Privilege names come from information_schema itself (e.g. `SHOW VIEW`, `DELETE HISTORY`).
    await conn.query(`REVOKE ${privileges.join(', ')} ON ??.?? FROM ?@?`, [database, table, account.user, account.host]);
  }

  const [globalRows] = await conn.query<mysql.RowDataPacket[]>(
    "SELECT PRIVILEGE_TYPE AS privilege FROM information_schema.USER_PRIVILEGES WHERE GRANTEE = ? AND PRIVILEGE_TYPE <> 'USAGE'",
    [grantee],
  );
  const global = globalRows.map((r) => String(r.privilege));
  const warnings =
    global.length > 0
      ? [
          `${grantee} holds rights on every database (${global.join(', ')}), so the limits set on ${database} do not bind it. ` +
            `Revoke them (REVOKE ${global.join(', ')} ON *.* FROM ${grantee}) to make the audit trail append-only.`,
        ]
      : [];
  return { warnings };
}

/**
 * Gives the application's account SELECT/INSERT/UPDATE/DELETE on every table
 * of its database except the audit trail (INSERT and SELECT on
 * `audit_events`, SELECT and UPDATE on `audit_chain_head`), SELECT on the
 * views, and no database-level right. Run it as an account allowed to grant
 * (the owner or root) after each migration: tables are listed as they are.
 *
 * @example await applyAppGrants(process.env.DATABASE_ADMIN_URL, { user: 'berth', host: '%', database: 'berth' })
 */
export async function applyAppGrants(adminUrl: string, account: AppAccount): Promise<GrantResult> {
  checkNames(account, account.database);
  return withConnection(adminUrl, async (conn) => {
    const [rows] = await conn.query<mysql.RowDataPacket[]>(
      'SELECT TABLE_NAME AS tableName, TABLE_TYPE AS tableType FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME',
      [account.database],
    );
    if (rows.length === 0) throw new Error(`The database ${account.database} has no tables: apply the migrations first.`);
    const wanted = new Map(
      (rows as { tableName: string; tableType: 'BASE TABLE' | 'VIEW' }[]).map((r) => [r.tableName, appPrivilegesFor(r.tableName, r.tableType)]),
    );
    return setExactTablePrivileges(conn, account, account.database, wanted);
  });
}

/**
 * Creates (or resets the password of) a read-only account for auditors that
 * may SELECT from the documented audit views and nothing else, in the
 * database the admin URL names.
 *
 * @example await createAuditorAccount(adminUrl, { user: 'auditor', password, host: '%' })
 */
export async function createAuditorAccount(
  adminUrl: string,
  account: MysqlAccount & { password: string },
): Promise<GrantResult & { database: string; views: readonly string[] }> {
  const database = databaseOf(adminUrl);
  checkNames(account, database);
  if (account.password.length < 12) throw new Error('The auditor password must have at least 12 characters.');
  return withConnection(adminUrl, async (conn) => {
    await conn.query('CREATE USER IF NOT EXISTS ?@? IDENTIFIED BY ?', [account.user, account.host, account.password]);
    await conn.query('ALTER USER ?@? IDENTIFIED BY ?', [account.user, account.host, account.password]);
    const wanted = new Map(auditViews.map((view) => [view, ['SELECT'] as TablePrivilege[]]));
    const result = await setExactTablePrivileges(conn, account, database, wanted);
    return { ...result, database, views: auditViews };
  });
}

/**
 * The MySQL account and database a URL connects as, as the server resolved
 * them (`CURRENT_USER()`): the account to grant to, whatever host pattern
 * it was created with.
 */
export async function accountOf(url: string): Promise<AppAccount> {
  return withConnection(url, async (conn) => {
    const [rows] = await conn.query<mysql.RowDataPacket[]>('SELECT CURRENT_USER() AS account, DATABASE() AS db');
    const { account, db } = (rows[0] ?? {}) as { account?: string; db?: string | null };
    const at = account?.lastIndexOf('@') ?? -1;
    if (!account || at < 0 || !db) throw new Error('Could not tell which MySQL account and database the URL connects as.');
    return { user: account.slice(0, at), host: account.slice(at + 1), database: db };
  });
}
