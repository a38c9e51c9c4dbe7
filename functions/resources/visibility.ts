import { ownWorkspace } from '../../db/workspaces.ts';
import type { CurrentUser } from '../app-env.ts';

/**
 * The isolation rule: a user sees and acts on `public` and their own
 * workspace; an admin on everything (external and deleted users' included).
 * Checked in the control plane before any agent call, on every endpoint. A
 * user whose name is a reserved one (a row older than the rule) has no own
 * workspace, so the name never opens `external` to them.
 */
export function canAccessWorkspace(user: CurrentUser, workspace: string): boolean {
  return user.role === 'admin' || workspace === 'public' || workspace === ownWorkspace(user.username);
}

/**
 * Whether the user may read what a workspace's resources keep private, such
 * as a container's environment values (passwords, tokens): its owner and
 * admins, not everyone who shares a `public` container.
 */
export function ownsWorkspace(user: CurrentUser, workspace: string): boolean {
  return user.role === 'admin' || workspace === ownWorkspace(user.username);
}
