import type { CurrentUser } from '../app-env.ts';

/**
 * The isolation rule: a user sees and acts on `public` and their own
 * workspace; an admin on everything (external and deleted users' included).
 * Checked in the control plane before any agent call, on every endpoint.
 */
export function canAccessWorkspace(user: CurrentUser, workspace: string): boolean {
  return user.role === 'admin' || workspace === 'public' || workspace === user.username;
}
