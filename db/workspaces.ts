/**
 * Workspace names beyond `public`, `external` and a username. Pure (no I/O),
 * so the pages can name the workspace in their confirmation text.
 */

/**
 * Names that are workspaces or audit actors, never a user's: an account with
 * one of them would own every shared or external resource. Compared without
 * regard to case, as usernames are unique regardless of case.
 */
export const reservedNames: readonly string[] = ['public', 'external', 'system', 'anonymous'];

export function isReservedName(name: string): boolean {
  return reservedNames.includes(name.toLowerCase());
}

/**
 * The workspace holding a user's own resources, or null for a reserved name
 * (a row made before names were reserved owns nothing, and never the shared
 * or external workspaces).
 */
export function ownWorkspace(username: string): string | null {
  return isReservedName(username) ? null : username;
}

/** Berth's own objects on a host (its embedded database): only admins see them. */
export const BERTH_WORKSPACE = 'system';

/** Where a deleted user's private resources go: a workspace only admins see. */
export function deletedUserWorkspace(username: string): string {
  return `deleted:${username}`;
}
