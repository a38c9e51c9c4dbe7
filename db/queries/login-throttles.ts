import { eq, inArray, sql } from 'drizzle-orm';
import type { Database } from '../client.ts';
import { retryOnDeadlock } from '../mysql-errors.ts';
import { loginThrottles } from '../schema.ts';

export type LoginThrottle = typeof loginThrottles.$inferSelect;
export type LoginThrottleState = Omit<LoginThrottle, 'key'>;

export async function findLoginThrottles(db: Database, keys: string[]): Promise<LoginThrottle[]> {
  if (keys.length === 0) return [];
  return db.select().from(loginThrottles).where(inArray(loginThrottles.key, keys));
}

/** The row a counter starts from: no failures, in a window long over. */
const EMPTY_COUNTER: LoginThrottleState = { failures: 0, windowStartedAt: new Date(0), blockedUntil: null };

/**
 * Replaces one counter with `next(current)` under a row lock, so parallel
 * failed logins (a brute force in parallel) each count. The row is made
 * first, on its own: a locking read of a missing row takes a gap lock, and
 * parallel first failures that each then insert deadlock one another in
 * InnoDB (seen: 8 parallel failures counted as 4, the rest answered 500).
 */
export async function updateLoginThrottle(
  db: Database,
  key: string,
  next: (current: LoginThrottleState | null) => LoginThrottleState,
): Promise<void> {
  await db
    .insert(loginThrottles)
    .values({ key, ...EMPTY_COUNTER })
    .onDuplicateKeyUpdate({ set: { key: sql`${loginThrottles.key}` } });
  await retryOnDeadlock(() =>
    db.transaction(async (tx) => {
      const [current] = await tx.select().from(loginThrottles).where(eq(loginThrottles.key, key)).for('update');
      const state = next(current && current.failures > 0 ? current : null);
      await tx.update(loginThrottles).set(state).where(eq(loginThrottles.key, key));
    }),
  );
}

export async function deleteLoginThrottle(db: Database, key: string): Promise<void> {
  await db.delete(loginThrottles).where(eq(loginThrottles.key, key));
}
