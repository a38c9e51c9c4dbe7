/**
 * Docker labels Berth puts on the containers it creates and the images users
 * commit, so ownership survives a lost database row and the sync never takes
 * Berth's own new container for an external one.
 */
export const workspaceLabels = {
  workspace: 'io.berth.workspace',
  creator: 'io.berth.created-by',
} as const;

/** The label on Berth's own embedded database container, which the sync keeps in the admin-only `system` workspace. */
export const embeddedDatabaseLabel = { name: 'berth.role', value: 'embedded-database' } as const;
