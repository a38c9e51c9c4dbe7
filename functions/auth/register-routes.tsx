import { Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { adminExists, insertUser } from '../../db/queries/users.ts';
import { RegisterForm, RegisterPage, type RegisterFormProps } from '../../views/auth/register-page.tsx';
import type { AppEnv } from '../app-env.ts';
import { audit, type AuditOutcome } from '../audit/audit.ts';
import { readForm } from '../forms/read-form.ts';
import { fragmentOrPage, redirectPage } from '../pages/respond.ts';
import { attemptedName, checkNewPassword, checkUsername } from './credentials.ts';
import { hashPassword } from './password.ts';
import { startSession } from './session-cookie.ts';

const adminExistsMessage =
  'Berth already has an administrator, so a new account cannot ask to be one. Register without the box; an administrator can promote you.';

/** Registration. Public: mounted before the session requirement. */
export const registerRoutes = new Hono<AppEnv>()
  .get('/register', async (c) => {
    if (c.get('user')) return c.redirect('/', 302);
    return c.html(<RegisterPage adminExists={await adminExists(c.get('db'))} />);
  })

  .post('/register', async (c) => {
    const field = await readForm(c);
    const username = field('username');
    const password = field('password');
    const askedForAdmin = field('admin') !== '';
    const db = c.get('db');
    const form: RegisterFormProps = { username, askedForAdmin, adminExists: await adminExists(db) };
    const name = attemptedName(username);

    const refuse = async (status: ContentfulStatusCode, outcome: AuditOutcome, message: string) => {
      await audit(c, {
        action: 'user.register',
        outcome,
        message,
        attemptedBy: name,
        target: { kind: 'user', name: name || null },
        detail: { askedForAdmin },
      });
      return fragmentOrPage(c, status, <RegisterForm {...form} error={message} />, () => <RegisterPage {...form} error={message} />);
    };

    const checkedName = checkUsername(username);
    if (!checkedName.ok) return refuse(400, 'failure', checkedName.message);
    const checkedPassword = checkNewPassword(password);
    if (!checkedPassword.ok) return refuse(400, 'failure', checkedPassword.message);
    if (askedForAdmin && form.adminExists) return refuse(403, 'denied', adminExistsMessage);

    const role = askedForAdmin ? 'admin' : 'user';
    const createdAt = new Date(c.get('clock')());
    const passwordHash = await hashPassword(password, c.get('config').passwordHashCost);
    // The record is written inside the insert's transaction: if it fails, no account is made.
    const result = await insertUser(db, { username, passwordHash, role, createdAt }, async (outcome) => {
      if (!outcome.ok) return;
      await audit(c, {
        action: 'user.register',
        outcome: 'success',
        message: role === 'admin' ? 'Registered as the first administrator.' : 'Registered.',
        actor: { type: 'user', id: outcome.id, name: username },
        target: { kind: 'user', id: String(outcome.id), name: username },
        detail: { role },
      });
    });
    if (!result.ok) {
      // Lost a race: the name was taken, or someone else became the first admin, a moment ago.
      return result.reason === 'taken'
        ? refuse(409, 'failure', 'That username is taken (names are unique regardless of case).')
        : refuse(403, 'denied', adminExistsMessage);
    }
    await startSession(c, result.id);
    return redirectPage(c, '/');
  });
