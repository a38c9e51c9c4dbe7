import { and, eq } from 'drizzle-orm';
import type { Database } from '../client.ts';
import { hosts, resources, users } from '../schema.ts';
import { BERTH_WORKSPACE, isReservedName } from '../workspaces.ts';
import type { NewResource, ResourceKind } from './resources.ts';

/** What the host has now, reduced to what ownership needs. */
export interface HostObject {
  kind: ResourceKind;
  dockerId: string;
  name: string | null;
  /** From Berth's labels, when the object carries them. */
  labelledWorkspace: string | null;
  labelledCreator: string | null;
  /** When Docker made it, in unix seconds. */
  created: number;
}

export interface SyncChange {
  /** `unclaimed`: labelled for a workspace whose label does not hold (see labelHolds), so external. */
  change: 'appeared' | 'disappeared' | 'adopted' | 'unclaimed';
  kind: ResourceKind;
  dockerId: string;
  name: string | null;
  workspace: string;
  /** The object's workspace label, if it has one. */
  labelledWorkspace: string | null;
}

export interface SyncResult {
  firstSync: boolean;
  changes: SyncChange[];
}

/**
 * Brings one host's ownership rows in line with what the host has, in one
 * transaction that locks the host row: two instances syncing at once take
 * turns, and the second finds nothing left to do. An object carrying
 * Berth's workspace label is adopted into that workspace, at the first sync
 * too (a re-enrolled host keeps its users' private objects private) — but
 * only into the workspace of a user who existed when the object was made: a
 * label naming a deleted user whose name was taken again, or no user at all,
 * makes the object external (admins only), never someone else's. Other
 * unknown objects are public at the first sync and external later.
 */
export async function syncHostResources(db: Database, hostId: number, objects: HostObject[], now: Date): Promise<SyncResult> {
  return db.transaction(async (tx) => {
    const [host] = await tx.select({ firstSyncedAt: hosts.firstSyncedAt }).from(hosts).where(eq(hosts.id, hostId)).for('update');
    if (!host) return { firstSync: false, changes: [] };
    const firstSync = host.firstSyncedAt === null;
    const registeredAt = new Map(
      (await tx.select({ username: users.username, createdAt: users.createdAt }).from(users)).map((u) => [u.username.toLowerCase(), u.createdAt]),
    );
    const rows = await tx.select().from(resources).where(eq(resources.hostId, hostId));
    const known = new Map(rows.map((r) => [`${r.kind}:${r.dockerId}`, r]));
    const present = new Set(objects.map((o) => `${o.kind}:${o.dockerId}`));
    const changes: SyncChange[] = [];

    const additions: NewResource[] = [];
    for (const o of objects) {
      if (known.has(`${o.kind}:${o.dockerId}`)) continue;
      const row = ownershipOf(o, hostId, firstSync, now, registeredAt);
      additions.push(row);
      if (row.origin === 'platform' || !firstSync || o.labelledWorkspace !== null) {
        const change = row.origin === 'platform' ? 'adopted' : o.labelledWorkspace !== null ? 'unclaimed' : 'appeared';
        changes.push({ change, kind: o.kind, dockerId: o.dockerId, name: o.name, workspace: row.workspace, labelledWorkspace: o.labelledWorkspace });
      }
    }
    if (additions.length) await tx.insert(resources).ignore().values(additions);

    for (const row of rows) {
      if (present.has(`${row.kind}:${row.dockerId}`)) continue;
      await tx.delete(resources).where(and(eq(resources.id, row.id)));
      changes.push({ change: 'disappeared', kind: row.kind, dockerId: row.dockerId, name: row.name, workspace: row.workspace, labelledWorkspace: null });
    }
    if (firstSync) await tx.update(hosts).set({ firstSyncedAt: now }).where(eq(hosts.id, hostId));
    return { firstSync, changes };
  });
}

/**
 * Whether a workspace label may be taken at its word: Berth's own objects,
 * a deleted user's workspace (admins only), or a user who was registered by
 * the second the object was made (Docker's times are whole seconds).
 */
function labelHolds(o: HostObject, registeredAt: Map<string, Date>): boolean {
  const workspace = o.labelledWorkspace ?? '';
  if (workspace === BERTH_WORKSPACE || workspace.startsWith('deleted:')) return true;
  if (isReservedName(workspace)) return false;
  const since = registeredAt.get(workspace.toLowerCase());
  return since !== undefined && o.created >= Math.floor(since.getTime() / 1000);
}

/** The ownership row for an object sync has not seen before: its label first, then first sync or not. */
function ownershipOf(o: HostObject, hostId: number, firstSync: boolean, now: Date, registeredAt: Map<string, Date>): NewResource {
  const base = { hostId, kind: o.kind, dockerId: o.dockerId, name: o.name, createdAt: now };
  if (o.labelledWorkspace !== null && labelHolds(o, registeredAt)) {
    return { ...base, workspace: o.labelledWorkspace, origin: 'platform', createdBy: o.labelledCreator };
  }
  if (firstSync && o.labelledWorkspace === null) return { ...base, workspace: 'public', origin: 'preexisting', createdBy: null };
  return { ...base, workspace: 'external', origin: 'external', createdBy: 'external' };
}
