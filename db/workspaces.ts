/**
 * Workspace names beyond `public`, `external` and a username. Pure (no I/O),
 * so the pages can name the workspace in their confirmation text.
 */

/** Where a deleted user's private resources go: a workspace only admins see. */
export function deletedUserWorkspace(username: string): string {
  return `deleted:${username}`;
}
