import { eq, inArray } from 'drizzle-orm';
import type { Database } from '../client.ts';
import { retryOnDeadlock } from '../mysql-errors.ts';
import { loginThrottles } from '../schema.ts';

export type LoginThrottle = typeof loginThrottles.$inferSelect;
export type LoginThrottleState = Omit<LoginThrottle, 'key'>;

export async function findLoginThrottles(db: Database, keys: string[]): Promise<LoginThrottle[]> {
  if (keys.length === 0) return [];
  return db.select().from(loginThrottles).where(inArray(loginThrottles.key, keys));
}

/**
 * Replaces one counter with `next(current)` under a row lock, so parallel
 * failed logins (a brute force in parallel) each count. Two first failures
 * racing to insert the row deadlock in InnoDB; the retry sees the winner's row.
 */
export async function updateLoginThrottle(
  db: Database,
  key: string,
  next: (current: LoginThrottleState | null) => LoginThrottleState,
): Promise<void> {
  await retryOnDeadlock(() =>
    db.transaction(async (tx) => {
      const [current] = await tx.select().from(loginThrottles).where(eq(loginThrottles.key, key)).for('update');
      const state = next(current ?? null);
      if (current) await tx.update(loginThrottles).set(state).where(eq(loginThrottles.key, key));
      else await tx.insert(loginThrottles).values({ key, ...state });
    }),
  );
}

export async function deleteLoginThrottle(db: Database, key: string): Promise<void> {
  await db.delete(loginThrottles).where(eq(loginThrottles.key, key));
}
