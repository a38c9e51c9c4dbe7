import type { Context } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import type { AppEnv } from '../app-env.ts';
import { deleteSession } from '../../db/queries/sessions.ts';
import { createSession, sessionCookieName } from './sessions.ts';

/**
 * The session cookie: `HttpOnly; SameSite=Lax; Path=/`, plus `Secure` and
 * the `__Host-` prefix when Berth is served over HTTPS. It lives no longer
 * than the session's absolute lifetime; the server enforces both expiries.
 */
export function setSessionCookie(c: Context<AppEnv>, token: string): void {
  const config = c.get('config');
  setCookie(c, sessionCookieName(config), token, {
    path: '/',
    httpOnly: true,
    sameSite: 'Lax',
    secure: config.secureCookies,
    // Browsers cap cookie lifetimes at 400 days (and hono refuses more).
    maxAge: Math.min(Math.floor(config.sessionAbsoluteMs / 1000), 400 * 24 * 60 * 60),
  });
}

export function clearSessionCookie(c: Context<AppEnv>): void {
  const config = c.get('config');
  deleteCookie(c, sessionCookieName(config), { path: '/', httpOnly: true, sameSite: 'Lax', secure: config.secureCookies });
}

/**
 * Signs the browser in with a brand-new session (a new one at every login,
 * so a planted cookie is never promoted: no fixation). A session the browser
 * already had is ended server-side.
 */
export async function startSession(c: Context<AppEnv>, userId: number): Promise<void> {
  const db = c.get('db');
  const previous = c.get('sessionId');
  if (previous) await deleteSession(db, previous);
  setSessionCookie(c, await createSession(db, userId, c.get('clock')()));
}
