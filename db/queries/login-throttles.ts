import { asc, eq, inArray, sql } from 'drizzle-orm';
import type { Database } from '../client.ts';
import { retryOnDeadlock } from '../mysql-errors.ts';
import { loginThrottles } from '../schema.ts';

export type LoginThrottle = typeof loginThrottles.$inferSelect;
export type LoginThrottleState = Omit<LoginThrottle, 'key'>;

/** The row a counter starts from: no failures, in a window long over. */
const EMPTY_COUNTER: LoginThrottleState = { failures: 0, windowStartedAt: new Date(0), blockedUntil: null };

/**
 * Runs `change` on the counters of `keys` (null for one never used) under
 * their row locks, and writes the states it returns: parallel logins take
 * turns, so a check and the count it leads to are one step and every
 * attempt counts. The rows are made first, on their own: a locking read of
 * a missing row takes a gap lock, and parallel first attempts that then each
 * insert deadlock one another in InnoDB. Locks are taken in key order.
 */
export async function changeLoginThrottles(
  db: Database,
  keys: string[],
  change: (current: Map<string, LoginThrottleState | null>) => Map<string, LoginThrottleState>,
): Promise<void> {
  if (keys.length === 0) return;
  const sorted = [...keys].sort();
  // Making a row can still meet another request's locks; InnoDB then picks one to retry.
  await retryOnDeadlock(async () => {
    await db
      .insert(loginThrottles)
      .values(sorted.map((key) => ({ key, ...EMPTY_COUNTER })))
      .onDuplicateKeyUpdate({ set: { key: sql`${loginThrottles.key}` } });
    await db.transaction(async (tx) => {
      const rows = await tx.select().from(loginThrottles).where(inArray(loginThrottles.key, sorted)).orderBy(asc(loginThrottles.key)).for('update');
      const current = new Map<string, LoginThrottleState | null>(sorted.map((key) => [key, null]));
      for (const { key, ...state } of rows) if (state.failures > 0) current.set(key, state);
      for (const [key, state] of change(current)) await tx.update(loginThrottles).set(state).where(eq(loginThrottles.key, key));
    });
  }, 8);
}

export async function deleteLoginThrottle(db: Database, key: string): Promise<void> {
  await db.delete(loginThrottles).where(eq(loginThrottles.key, key));
}
