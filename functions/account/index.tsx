import { Hono } from 'hono';
import { deleteUserSessions } from '../../db/queries/sessions.ts';
import { findPasswordHash, setPasswordHash } from '../../db/queries/users.ts';
import { AccountPage, PasswordForm } from '../../views/account/account-page.tsx';
import type { AppEnv } from '../app-env.ts';
import { audit } from '../audit/audit.ts';
import { checkNewPassword } from '../auth/credentials.ts';
import { hashPassword, verifyPassword } from '../auth/password.ts';
import { readForm } from '../forms/read-form.ts';
import { fragmentOrPage } from '../pages/respond.ts';

/** The signed-in user's own account: for now, changing the password. */
export const accountRoutes = new Hono<AppEnv>()
  .get('/', (c) => {
    const user = c.get('user')!;
    return c.html(<AccountPage user={user} />);
  })

  .post('/password', async (c) => {
    const user = c.get('user')!;
    const db = c.get('db');
    const field = await readForm(c);
    const action = 'user.password-change';
    const target = { kind: 'user', id: String(user.id), name: user.username };
    const refuse = async (message: string, recorded = message) => {
      await audit(c, { action, outcome: 'failure', message: recorded, target });
      const notice = { kind: 'error' as const, message };
      return fragmentOrPage(c, 400, <PasswordForm notice={notice} />, () => <AccountPage user={user} notice={notice} />);
    };

    const current = field('current');
    const password = field('password');
    if (current === '') return refuse('Enter your current password.');
    const checked = checkNewPassword(password);
    if (!checked.ok) return refuse(checked.message);
    if (field('confirm') !== password) return refuse('The two new passwords differ.');
    const stored = await findPasswordHash(db, user.id);
    if (!stored || !(await verifyPassword(stored, current))) {
      return refuse('The current password is wrong.', 'Password change refused: wrong current password.');
    }

    await audit(c, { action, outcome: 'success', message: 'Changed own password; other sessions ended.', target });
    await setPasswordHash(db, user.id, await hashPassword(password, c.get('config').passwordHashCost));
    await deleteUserSessions(db, user.id, c.get('sessionId') ?? undefined);
    const notice = { kind: 'success' as const, message: 'Your password was changed. Your other sessions have ended.' };
    return fragmentOrPage(c, 200, <PasswordForm notice={notice} />, () => <AccountPage user={user} notice={notice} />);
  });
