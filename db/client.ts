import { drizzle, type MySql2Database } from 'drizzle-orm/mysql2';
import mysql from 'mysql2/promise';
import * as schema from './schema.ts';

export type Database = MySql2Database<typeof schema>;

export interface DatabaseHandle {
  db: Database;
  close(): Promise<void>;
}

/**
 * A pooled connection to Berth's database. Datetimes are stored and read as
 * UTC (`timezone: 'Z'`), so an admin's SQL sees the same instants the page shows.
 */
export function connectDatabase(url: string, options: { connectionLimit?: number; disableEval?: boolean } = {}): DatabaseHandle {
  const pool = mysql.createPool({
    uri: url,
    connectionLimit: options.connectionLimit ?? 10,
    timezone: 'Z',
    // Workers forbid runtime code generation; mysql2 then parses rows without eval.
    disableEval: options.disableEval,
  });
  const db = drizzle(pool, { schema, mode: 'default' });
  return { db, close: () => pool.end() };
}
