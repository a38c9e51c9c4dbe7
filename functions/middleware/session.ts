import { getCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import { HTTPException } from 'hono/http-exception';
import type { AppEnv } from '../app-env.ts';
import { audit } from '../audit/audit.ts';
import { clearSessionCookie } from '../auth/session-cookie.ts';
import { sessionCookieName, validateSessionToken } from '../auth/sessions.ts';

/** Reads the session cookie, if any, and sets `user` and `sessionId`. */
export function loadSession() {
  return createMiddleware<AppEnv>(async function loadSessionMiddleware(c, next) {
    const config = c.get('config');
    const token = getCookie(c, sessionCookieName(config));
    if (token) {
      const result = await validateSessionToken(c.get('db'), config, token, c.get('clock')());
      if (result.ok) {
        c.set('user', result.user);
        c.set('sessionId', result.sessionId);
      } else {
        clearSessionCookie(c);
      }
    }
    await next();
  });
}

/**
 * Sends a visitor without a session to the login page (htmx follows
 * HX-Redirect). What a signed-in user is shown is never stored by the
 * browser: after logout, the back button asks again (and lands on login)
 * instead of showing the page from its cache.
 */
export function requireUser() {
  return createMiddleware<AppEnv>(async function requireUserMiddleware(c, next) {
    if (!c.get('user')) {
      if (c.req.header('HX-Request')) {
        c.header('HX-Redirect', '/login');
        return c.body(null, 401);
      }
      return c.redirect('/login', 302);
    }
    await next();
    c.header('Cache-Control', 'no-store');
  });
}

/**
 * 403 for a signed-in user who is not an admin; the refusal is audited under
 * `action`, e.g. `requireAdmin('host.add')`, so it sits with that action's records.
 */
export function requireAdmin(action = 'access.admin') {
  return createMiddleware<AppEnv>(async function requireAdminMiddleware(c, next) {
    const user = c.get('user');
    if (user?.role !== 'admin') {
      await audit(c, {
        action,
        outcome: 'denied',
        message: `${c.req.method} ${c.req.path} needs an administrator.`,
      });
      throw new HTTPException(403, { message: 'This page is for administrators only.' });
    }
    await next();
  });
}
