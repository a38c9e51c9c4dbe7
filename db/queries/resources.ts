import { and, eq, inArray } from 'drizzle-orm';
import type { Database } from '../client.ts';
import { hosts, resources, type Resource } from '../schema.ts';

export type ResourceKind = 'image' | 'container';
export type ResourceOrigin = 'preexisting' | 'platform' | 'external';

export interface NewResource {
  hostId: number;
  kind: ResourceKind;
  dockerId: string;
  workspace: string;
  origin: ResourceOrigin;
  createdBy: string | null;
  name: string | null;
  createdAt: Date;
}

export async function listResources(db: Database, hostId: number, kind?: ResourceKind): Promise<Resource[]> {
  return db
    .select()
    .from(resources)
    .where(kind ? and(eq(resources.hostId, hostId), eq(resources.kind, kind)) : eq(resources.hostId, hostId));
}

export async function findResource(db: Database, hostId: number, kind: ResourceKind, dockerId: string): Promise<Resource | null> {
  const [row] = await db
    .select()
    .from(resources)
    .where(and(eq(resources.hostId, hostId), eq(resources.kind, kind), eq(resources.dockerId, dockerId)));
  return row ?? null;
}

/**
 * Inserts the row unless one exists for (host, kind, docker id). Returns
 * whether this call inserted it, so exactly one of two racing callers audits.
 */
export async function insertResourceIfAbsent(db: Database, row: NewResource): Promise<boolean> {
  const [result] = await db.insert(resources).ignore().values(row);
  return result.affectedRows === 1;
}

/** Inserts or takes over the row: Berth's own create/commit/pull wins over a sync that saw the object first. */
export async function claimResource(db: Database, row: NewResource): Promise<void> {
  await db
    .insert(resources)
    .values(row)
    .onDuplicateKeyUpdate({ set: { workspace: row.workspace, origin: row.origin, createdBy: row.createdBy, name: row.name } });
}

/**
 * Claims the row for a shared workspace: inserts it, or takes over a row that
 * is itself shared (`public` or `external`), never one in a user's (or a
 * deleted user's) workspace. Returns whether the row now has `row.workspace`.
 */
export async function claimSharedResource(db: Database, row: NewResource): Promise<boolean> {
  if (await insertResourceIfAbsent(db, row)) return true;
  const key = and(eq(resources.hostId, row.hostId), eq(resources.kind, row.kind), eq(resources.dockerId, row.dockerId));
  await db
    .update(resources)
    .set({ workspace: row.workspace, origin: row.origin, createdBy: row.createdBy, name: row.name })
    .where(and(key, inArray(resources.workspace, ['public', 'external'])));
  return (await findResource(db, row.hostId, row.kind, row.dockerId))?.workspace === row.workspace;
}

/** Deletes the row; returns whether this call deleted it (for audit-once under concurrency). */
export async function deleteResource(db: Database, hostId: number, kind: ResourceKind, dockerId: string): Promise<boolean> {
  const [result] = await db
    .delete(resources)
    .where(and(eq(resources.hostId, hostId), eq(resources.kind, kind), eq(resources.dockerId, dockerId)));
  return result.affectedRows === 1;
}

export async function renameResource(db: Database, id: number, name: string | null): Promise<void> {
  await db.update(resources).set({ name }).where(eq(resources.id, id));
}

/** Moves every resource of one workspace to another (used when a user is deleted). */
export async function reassignWorkspace(db: Database, from: string, to: string): Promise<number> {
  const [result] = await db.update(resources).set({ workspace: to }).where(eq(resources.workspace, from));
  return result.affectedRows;
}
