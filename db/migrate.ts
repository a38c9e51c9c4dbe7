import { fileURLToPath } from 'node:url';
import { drizzle } from 'drizzle-orm/mysql2';
import { migrate } from 'drizzle-orm/mysql2/migrator';
import mysql from 'mysql2/promise';

const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url));
const lockName = 'berth_migrations';
const lockWaitSeconds = 120;

/**
 * Applies the committed drizzle-kit migrations. Two instances starting at once
 * serialize on a MySQL named lock, so each migration runs exactly once; a
 * failure is thrown, never logged and skipped.
 */
export async function applyMigrations(url: string): Promise<void> {
  const connection = await mysql.createConnection({ uri: url, timezone: 'Z' });
  try {
    const [rows] = await connection.query('SELECT GET_LOCK(?, ?) AS got', [lockName, lockWaitSeconds]);
    if ((rows as { got: number | null }[])[0]?.got !== 1) {
      throw new Error(`Another Berth instance held the migration lock for more than ${lockWaitSeconds} s.`);
    }
    try {
      await migrate(drizzle(connection), { migrationsFolder });
    } finally {
      await connection.query('SELECT RELEASE_LOCK(?)', [lockName]);
    }
  } finally {
    await connection.end();
  }
}
