/**
 * Sessions after the Lucia project's reference design, on Web Crypto:
 * the token is `<id>.<secret>`, only SHA-256(secret) is stored and compared
 * in constant time, expiry slides with use (idle timeout) within an absolute
 * lifetime, and `last_verified_at` is written at most once per interval.
 */
import type { Database } from '../../db/client.ts';
import { deleteSession, findSessionWithUser, insertSession, touchSession } from '../../db/queries/sessions.ts';
import { randomBase64url, sha256Hex, utf8 } from '../../agent/protocol/encoding.ts';
import type { AppConfig, CurrentUser } from '../app-env.ts';

export type SessionValidation =
  | { ok: true; sessionId: string; user: CurrentUser }
  | { ok: false; reason: 'malformed' | 'unknown' | 'wrong-secret' | 'idle-expired' | 'absolute-expired' | 'user-disabled' };

const tokenPattern = /^([A-Za-z0-9_-]{20})\.([A-Za-z0-9_-]{43})$/;


/** Compares in time that depends only on the length, which is fixed here (64 hex digits). */
function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/** Creates a session and returns the token for the cookie (never stored). */
export async function createSession(db: Database, userId: number, now: number): Promise<string> {
  const id = randomBase64url(15);
  const secret = randomBase64url(32);
  await insertSession(db, { id, secretHash: await sha256Hex(utf8(secret)), userId, createdAt: new Date(now) });
  return `${id}.${secret}`;
}

export async function validateSessionToken(
  db: Database,
  config: AppConfig,
  token: string,
  now: number,
): Promise<SessionValidation> {
  const match = tokenPattern.exec(token);
  if (!match) return { ok: false, reason: 'malformed' };
  const [, id, secret] = match as unknown as [string, string, string];
  const stored = await findSessionWithUser(db, id);
  if (!stored) return { ok: false, reason: 'unknown' };
  if (!constantTimeEqual(await sha256Hex(utf8(secret)), stored.secretHash)) return { ok: false, reason: 'wrong-secret' };
  if (now - stored.createdAt.getTime() >= config.sessionAbsoluteMs) {
    await deleteSession(db, id);
    return { ok: false, reason: 'absolute-expired' };
  }
  if (now - stored.lastVerifiedAt.getTime() >= config.sessionIdleMs) {
    await deleteSession(db, id);
    return { ok: false, reason: 'idle-expired' };
  }
  if (stored.user.disabledAt) {
    await deleteSession(db, id);
    return { ok: false, reason: 'user-disabled' };
  }
  if (now - stored.lastVerifiedAt.getTime() >= config.sessionTouchIntervalMs) {
    await touchSession(db, id, new Date(now));
  }
  return { ok: true, sessionId: id, user: { id: stored.user.id, username: stored.user.username, role: stored.user.role } };
}

export function sessionCookieName(config: AppConfig): string {
  return config.secureCookies ? '__Host-berth_session' : 'berth_session';
}
