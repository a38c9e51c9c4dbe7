import type { Context } from 'hono';
import { findUserById, listUsers } from '../../db/queries/users.ts';
import type { NoticeKind } from '../../views/notice.tsx';
import { HomePage } from '../../views/home/home-page.tsx';
import type { AppEnv } from '../app-env.ts';

/**
 * The home page with its user table: an admin sees every user, a user only
 * self. Also the answer to an admin action sent without JavaScript, with
 * that action's result as the notice.
 */
export async function renderHomePage(c: Context<AppEnv>, notice?: { kind: NoticeKind; message: string }) {
  const viewer = c.get('user')!;
  const db = c.get('db');
  const users = viewer.role === 'admin' ? await listUsers(db) : [await findUserById(db, viewer.id)].filter((u) => u !== null);
  return c.html(<HomePage user={viewer} users={users} notice={notice} />);
}
