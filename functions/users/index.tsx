import { Hono, type Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { deleteUserSessions } from '../../db/queries/sessions.ts';
import {
  changeUserRole,
  deleteUser,
  findUserById,
  setPasswordHash,
  setUserDisabled,
  type GuardedChangeResult,
  type UserSummary,
} from '../../db/queries/users.ts';
import { deletedUserWorkspace } from '../../db/workspaces.ts';
import { UserRow } from '../../views/home/user-table.tsx';
import { OobNotice } from '../../views/notice.tsx';
import type { AppEnv } from '../app-env.ts';
import { audit } from '../audit/audit.ts';
import { checkNewPassword } from '../auth/credentials.ts';
import { hashPassword } from '../auth/password.ts';
import { readForm } from '../forms/read-form.ts';
import { renderHomePage } from '../home/home-page.tsx';
import { requireAdmin } from '../middleware/session.ts';
import { isHtmx, redirectPage } from '../pages/respond.ts';

const lastAdminMessage = 'Berth must keep an active administrator: make someone else an administrator first.';

function userTarget(user: Pick<UserSummary, 'id' | 'username'>) {
  return { kind: 'user', id: String(user.id), name: user.username };
}

/** The `:id` of the route as a user id; a malformed one is recorded and answered like an unknown user. */
async function userIdParam(c: Context<AppEnv>, action: string): Promise<number> {
  const raw = c.req.param('id') ?? '';
  if (/^[1-9][0-9]{0,14}$/.test(raw)) return Number(raw);
  await audit(c, { action, outcome: 'failure', message: 'No such user.', target: { kind: 'user', id: raw.slice(0, 128) } });
  throw new HTTPException(404, { message: 'There is no such user.' });
}

/** An admin may not lock themself out: refused (and recorded) before anything changes. */
async function refuseSelf(c: Context<AppEnv>, action: string, id: number, what: string): Promise<void> {
  const me = c.get('user')!;
  if (id !== me.id) return;
  await audit(c, { action, outcome: 'denied', message: `An administrator may not ${what} themself.`, target: userTarget(me) });
  throw new HTTPException(409, { message: `You cannot ${what} yourself; another administrator can.` });
}

/**
 * The audit record of a guarded change, written inside its transaction (see
 * `RecordOutcome`): success, unknown user, or refused to keep an admin.
 */
function recordChange(
  c: Context<AppEnv>,
  action: string,
  id: number,
  done: (before: UserSummary) => string,
  detail?: (before: UserSummary) => Record<string, unknown>,
) {
  return async (result: GuardedChangeResult) => {
    const target = result.ok ? userTarget(result.before) : { kind: 'user', id: String(id) };
    if (result.ok) {
      await audit(c, { action, outcome: 'success', message: done(result.before), target, detail: detail?.(result.before) });
    } else if (result.reason === 'not-found') {
      await audit(c, { action, outcome: 'failure', message: `No user with id ${id}.`, target });
    } else {
      await audit(c, { action, outcome: 'denied', message: 'Refused: it would leave Berth without an active administrator.', target });
    }
  };
}

/** Turns a refused guarded change into its error (a notice in #messages for htmx, an error page otherwise). */
function throwIfRefused(result: GuardedChangeResult): asserts result is Extract<GuardedChangeResult, { ok: true }> {
  if (result.ok) return;
  if (result.reason === 'not-found') throw new HTTPException(404, { message: 'There is no such user.' });
  throw new HTTPException(409, { message: lastAdminMessage });
}

/**
 * The answer to a done action: for htmx, the user's row as it is now (or
 * nothing when it was removed: the form swaps with `delete`) and the message
 * in #messages; without JavaScript, the home page with the message.
 */
async function answer(c: Context<AppEnv>, id: number, message: string) {
  if (!isHtmx(c)) return renderHomePage(c, { kind: 'success', message });
  const row = await findUserById(c.get('db'), id);
  return c.html(
    <>
      {row && <UserRow user={row} viewer={c.get('user')!} />}
      <OobNotice kind="success" message={message} />
    </>,
  );
}

/** Admin user management. Every route needs an admin; a user gets 403 (and a denied record). */
export const usersRoutes = new Hono<AppEnv>()
  .use(requireAdmin())

  .post('/:id/promote', async (c) => {
    const id = await userIdParam(c, 'user.promote');
    const result = await changeUserRole(
      c.get('db'),
      id,
      'admin',
      recordChange(c, 'user.promote', id, (u) =>
        u.role === 'admin' ? `${u.username} was already an administrator.` : `Promoted ${u.username} to administrator.`,
      ),
    );
    throwIfRefused(result);
    return answer(c, id, `${result.before.username} is an administrator.`);
  })

  .post('/:id/demote', async (c) => {
    const id = await userIdParam(c, 'user.demote');
    const result = await changeUserRole(
      c.get('db'),
      id,
      'user',
      recordChange(c, 'user.demote', id, (u) =>
        u.role === 'user' ? `${u.username} was already an ordinary user.` : `Demoted ${u.username} to ordinary user.`,
      ),
    );
    throwIfRefused(result);
    // Demoting yourself takes this page away: show the user's view of it.
    if (id === c.get('user')!.id) return redirectPage(c, '/');
    return answer(c, id, `${result.before.username} is an ordinary user.`);
  })

  .post('/:id/disable', async (c) => {
    const id = await userIdParam(c, 'user.disable');
    await refuseSelf(c, 'user.disable', id, 'disable');
    const db = c.get('db');
    const result = await setUserDisabled(
      db,
      id,
      new Date(c.get('clock')()),
      recordChange(c, 'user.disable', id, (u) => `Disabled ${u.username} and ended their sessions.`),
    );
    throwIfRefused(result);
    // Sessions of a disabled user are refused anyway; deleting them ends them for good.
    await deleteUserSessions(db, id);
    return answer(c, id, `${result.before.username} is disabled; their sessions have ended.`);
  })

  .post('/:id/enable', async (c) => {
    const id = await userIdParam(c, 'user.enable');
    const result = await setUserDisabled(c.get('db'), id, null, recordChange(c, 'user.enable', id, (u) => `Enabled ${u.username}.`));
    throwIfRefused(result);
    return answer(c, id, `${result.before.username} is enabled.`);
  })

  .post('/:id/delete', async (c) => {
    const id = await userIdParam(c, 'user.delete');
    await refuseSelf(c, 'user.delete', id, 'delete');
    const result = await deleteUser(c.get('db'), id, (outcome) =>
      recordChange(
        c,
        'user.delete',
        id,
        (u) => `Deleted ${u.username}; ${outcome.reassigned} private resources moved to workspace ${deletedUserWorkspace(u.username)}.`,
        (u) => ({ reassignedTo: deletedUserWorkspace(u.username), reassigned: outcome.reassigned }),
      )(outcome),
    );
    throwIfRefused(result);
    const name = result.before.username;
    return answer(
      c,
      id,
      `${name} was deleted and their sessions ended. Their private containers and images (${result.reassigned}) stay, in the workspace "${deletedUserWorkspace(name)}" that only administrators see.`,
    );
  })

  .post('/:id/reset-password', async (c) => {
    const action = 'user.password-reset';
    const id = await userIdParam(c, action);
    const db = c.get('db');
    const target = await findUserById(db, id);
    if (!target) {
      await audit(c, { action, outcome: 'failure', message: `No user with id ${id}.`, target: { kind: 'user', id: String(id) } });
      throw new HTTPException(404, { message: 'There is no such user.' });
    }
    const checked = checkNewPassword((await readForm(c))('password'));
    if (!checked.ok) {
      await audit(c, { action, outcome: 'failure', message: `Refused: ${checked.message}`, target: userTarget(target) });
      throw new HTTPException(400, { message: checked.message });
    }
    const message = `Reset the password of ${target.username}; their sessions ended.`;
    await audit(c, { action, outcome: 'success', message, target: userTarget(target) });
    await setPasswordHash(db, id, await hashPassword(checked.value, c.get('config').passwordHashCost));
    // An admin resetting their own password here keeps the session they are using.
    await deleteUserSessions(db, id, id === c.get('user')!.id ? (c.get('sessionId') ?? undefined) : undefined);
    return answer(c, id, `The password of ${target.username} was reset; their sessions have ended.`);
  });
