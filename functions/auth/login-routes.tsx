import { Hono, type Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { deleteSession } from '../../db/queries/sessions.ts';
import { findUserByUsername, setPasswordHash } from '../../db/queries/users.ts';
import { LoginForm, LoginPage } from '../../views/auth/login-page.tsx';
import type { AppEnv } from '../app-env.ts';
import { audit, type AuditOutcome } from '../audit/audit.ts';
import { readForm } from '../forms/read-form.ts';
import { fragmentOrPage, redirectPage } from '../pages/respond.ts';
import { attemptedName, usernamePattern } from './credentials.ts';
import { forgiveLoginAttempt, loginThrottleKeys, reserveLoginAttempt } from './login-throttle.ts';
import { dummyPasswordHash, hashPassword, needsRehash, verifyPassword } from './password.ts';
import { clearSessionCookie, startSession } from './session-cookie.ts';

/** The one answer for an unknown name and a wrong password alike. */
export const loginFailedMessage = 'Wrong username or password.';

/** Records the refused attempt (under the name that was tried, never the password) and shows the form again. */
async function refuseLogin(
  c: Context<AppEnv>,
  username: string,
  refusal: { status: ContentfulStatusCode; outcome: AuditOutcome; shown: string; recorded: string; detail?: Record<string, unknown> },
) {
  const name = attemptedName(username);
  await audit(c, {
    action: 'user.login',
    outcome: refusal.outcome,
    message: refusal.recorded,
    attemptedBy: name,
    target: { kind: 'user', name: name || null },
    detail: refusal.detail,
  });
  return fragmentOrPage(c, refusal.status, <LoginForm username={username} error={refusal.shown} />, () => (
    <LoginPage username={username} error={refusal.shown} />
  ));
}

/** Login and logout. Public: mounted before the session requirement. */
export const loginRoutes = new Hono<AppEnv>()
  .get('/login', (c) => {
    if (c.get('user')) return c.redirect('/', 302);
    return c.html(<LoginPage />);
  })

  .post('/login', async (c) => {
    const field = await readForm(c);
    const username = field('username');
    const password = field('password');
    if (username === '' || password === '') {
      return refuseLogin(c, username, {
        status: 400,
        outcome: 'failure',
        shown: 'Enter your username and password.',
        recorded: 'Login with an empty username or password.',
      });
    }

    const db = c.get('db');
    const now = c.get('clock')();
    const keys = loginThrottleKeys(username, c.get('clientAddress'));
    // Counted as a failure now, under the counters' locks; forgiven below if it succeeds.
    const blockedMs = await reserveLoginAttempt(db, keys, now);
    if (blockedMs > 0) {
      const seconds = Math.ceil(blockedMs / 1000);
      c.header('Retry-After', String(seconds));
      return refuseLogin(c, username, {
        status: 429,
        outcome: 'denied',
        // Names that do not exist are throttled too, so this says nothing about the account.
        shown: `Too many failed logins. Try again in ${seconds} seconds.`,
        recorded: 'Login refused: too many failed attempts for this name or address.',
        detail: { throttled: true, retryAfterSeconds: seconds },
      });
    }

    const cost = c.get('config').passwordHashCost;
    const user = usernamePattern.test(username) ? await findUserByUsername(db, username) : null;
    // An unknown name costs one scrypt too, so timing does not tell which names exist.
    const matches = await verifyPassword(user?.passwordHash ?? dummyPasswordHash(cost), password);
    if (!user || !matches) {
      return refuseLogin(c, username, {
        status: 401,
        outcome: 'failure',
        shown: loginFailedMessage,
        recorded: user ? 'Login failed: wrong password.' : 'Login failed: no such user.',
      });
    }
    if (user.disabledAt) {
      return refuseLogin(c, username, {
        status: 403,
        outcome: 'denied',
        shown: 'This account is disabled. An administrator can enable it again.',
        recorded: 'Login refused: the account is disabled.',
      });
    }

    await audit(c, {
      action: 'user.login',
      outcome: 'success',
      message: 'Logged in.',
      actor: { type: 'user', id: user.id, name: user.username },
      target: { kind: 'user', id: String(user.id), name: user.username },
    });
    await forgiveLoginAttempt(db, user.username, keys);
    // The cost changed since this hash was made: store one at today's cost while the password is at hand.
    if (needsRehash(user.passwordHash, cost)) await setPasswordHash(db, user.id, await hashPassword(password, cost));
    await startSession(c, user.id);
    return redirectPage(c, '/');
  })

  // A POST (a link or image cannot log anyone out); the session ends server-side, so the old cookie is worthless.
  .post('/logout', async (c) => {
    const sessionId = c.get('sessionId');
    const user = c.get('user');
    clearSessionCookie(c);
    if (!sessionId || !user) {
      await audit(c, { action: 'user.logout', outcome: 'failure', message: 'Logout without a valid session.' });
      return redirectPage(c, '/login');
    }
    await audit(c, {
      action: 'user.logout',
      outcome: 'success',
      message: 'Logged out.',
      target: { kind: 'user', id: String(user.id), name: user.username },
    });
    await deleteSession(c.get('db'), sessionId);
    return redirectPage(c, '/login');
  });
