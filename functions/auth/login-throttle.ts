/**
 * Failed-login throttling, per account name and per client address, with
 * the counters in MySQL (handlers are stateless). After `maxFailures`
 * failures within the window, further attempts for that key are refused for
 * a period that starts at 30 s and doubles with each further failure, capped
 * at 15 minutes: guessing gets slow, the real user is never locked out for
 * long. A counter is forgotten a window's length after its last block ends.
 * Names that do not exist are throttled exactly like real ones, so the
 * refusal says nothing about which accounts exist.
 */
import type { Database } from '../../db/client.ts';
import { changeLoginThrottles, deleteLoginThrottle, type LoginThrottleState } from '../../db/queries/login-throttles.ts';
import { usernamePattern } from './credentials.ts';

export const loginThrottlePolicy = {
  windowMs: 15 * 60_000,
  firstBlockMs: 30_000,
  maxBlockMs: 15 * 60_000,
  /** An address is shared by many people behind one NAT: it gets more room than one account. */
  maxFailures: { user: 5, ip: 20 },
};

/** The counter key for an account name: lower-cased, as names are unique regardless of case. */
export function accountThrottleKey(username: string): string {
  return `user:${username.toLowerCase()}`;
}

/**
 * The counters a login attempt touches. A name that cannot be a username
 * has no account counter (no account can have it); the address counter
 * still applies.
 */
export function loginThrottleKeys(username: string, clientAddress: string | null): string[] {
  const keys: string[] = [];
  if (usernamePattern.test(username)) keys.push(accountThrottleKey(username));
  // The column holds 128 characters; an address is far shorter unless a proxy header lies.
  if (clientAddress) keys.push(`ip:${clientAddress.slice(0, 120)}`);
  return keys;
}

function maxFailuresFor(key: string): number {
  return key.startsWith('ip:') ? loginThrottlePolicy.maxFailures.ip : loginThrottlePolicy.maxFailures.user;
}

/** The counter after one more failure at `now` (pure, so the rule is testable on its own). */
export function afterFailure(current: LoginThrottleState | null, now: number, maxFailures: number): LoginThrottleState {
  const { windowMs, firstBlockMs, maxBlockMs } = loginThrottlePolicy;
  const quietSince = current ? (current.blockedUntil ?? current.windowStartedAt).getTime() : -Infinity;
  const fresh = !current || now >= quietSince + windowMs;
  const failures = fresh ? 1 : current.failures + 1;
  const blockedUntil =
    failures >= maxFailures
      ? new Date(now + Math.min(firstBlockMs * 2 ** (failures - maxFailures), maxBlockMs))
      : fresh
        ? null
        : current.blockedUntil;
  return { failures, windowStartedAt: fresh ? new Date(now) : current.windowStartedAt, blockedUntil };
}

/**
 * Takes one login attempt's place: refused (the ms until the longest block
 * ends) when any of its counters is blocked, otherwise counted as a failure
 * at once, before the password is checked — so a burst of parallel
 * attempts gets no more checks than the limit allows. A successful login
 * then takes the count back (`forgiveLoginAttempt`). Returns 0 when the
 * attempt may go ahead.
 */
export async function reserveLoginAttempt(db: Database, keys: string[], now: number): Promise<number> {
  let blockedMs = 0;
  await changeLoginThrottles(db, keys, (current) => {
    const states = [...current.values()];
    blockedMs = Math.max(0, ...states.map((state) => (state?.blockedUntil ? state.blockedUntil.getTime() - now : 0)));
    if (blockedMs > 0) return new Map();
    return new Map(keys.map((key) => [key, afterFailure(current.get(key) ?? null, now, maxFailuresFor(key))]));
  });
  return blockedMs;
}

/**
 * After a successful login: the account's counter is cleared, and the
 * address's loses the count this attempt added (not more: one good account
 * must not reset an address that guesses at others), with the block that
 * count may have started.
 */
export async function forgiveLoginAttempt(db: Database, username: string, keys: string[]): Promise<void> {
  await deleteLoginThrottle(db, accountThrottleKey(username));
  const addressKeys = keys.filter((key) => key.startsWith('ip:'));
  await changeLoginThrottles(db, addressKeys, (current) => {
    const forgiven = new Map<string, LoginThrottleState>();
    for (const [key, state] of current) {
      if (!state) continue;
      const failures = Math.max(0, state.failures - 1);
      forgiven.set(key, { ...state, failures, blockedUntil: failures >= maxFailuresFor(key) ? state.blockedUntil : null });
    }
    return forgiven;
  });
}
