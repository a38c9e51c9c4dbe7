import { and, eq } from 'drizzle-orm';
import type { Database } from '../client.ts';
import { hosts, resources } from '../schema.ts';
import type { NewResource, ResourceKind } from './resources.ts';

/** What the host has now, reduced to what ownership needs. */
export interface HostObject {
  kind: ResourceKind;
  dockerId: string;
  name: string | null;
  /** From Berth's labels, when the object carries them. */
  labelledWorkspace: string | null;
  labelledCreator: string | null;
}

export interface SyncChange {
  change: 'appeared' | 'disappeared' | 'adopted';
  kind: ResourceKind;
  dockerId: string;
  name: string | null;
  workspace: string;
}

export interface SyncResult {
  firstSync: boolean;
  changes: SyncChange[];
}

/**
 * Brings one host's ownership rows in line with what the host has, in one
 * transaction that locks the host row: two instances syncing at once take
 * turns, and the second finds nothing left to do. On the first sync every
 * object is public; later, unknown objects are external unless Berth's labels
 * name their workspace (a container Berth created a moment ago).
 */
export async function syncHostResources(db: Database, hostId: number, objects: HostObject[], now: Date): Promise<SyncResult> {
  return db.transaction(async (tx) => {
    const [host] = await tx.select({ firstSyncedAt: hosts.firstSyncedAt }).from(hosts).where(eq(hosts.id, hostId)).for('update');
    if (!host) return { firstSync: false, changes: [] };
    const firstSync = host.firstSyncedAt === null;
    const rows = await tx.select().from(resources).where(eq(resources.hostId, hostId));
    const known = new Map(rows.map((r) => [`${r.kind}:${r.dockerId}`, r]));
    const present = new Set(objects.map((o) => `${o.kind}:${o.dockerId}`));
    const changes: SyncChange[] = [];

    const additions: NewResource[] = [];
    for (const o of objects) {
      if (known.has(`${o.kind}:${o.dockerId}`)) continue;
      const labelled = o.labelledWorkspace !== null;
      const row: NewResource = {
        hostId,
        kind: o.kind,
        dockerId: o.dockerId,
        workspace: firstSync ? 'public' : (o.labelledWorkspace ?? 'external'),
        origin: firstSync ? 'preexisting' : labelled ? 'platform' : 'external',
        createdBy: firstSync ? null : labelled ? o.labelledCreator : 'external',
        name: o.name,
        createdAt: now,
      };
      additions.push(row);
      if (!firstSync) {
        changes.push({ change: labelled ? 'adopted' : 'appeared', kind: o.kind, dockerId: o.dockerId, name: o.name, workspace: row.workspace });
      }
    }
    if (additions.length) await tx.insert(resources).ignore().values(additions);

    for (const row of rows) {
      if (present.has(`${row.kind}:${row.dockerId}`)) continue;
      await tx.delete(resources).where(and(eq(resources.id, row.id)));
      changes.push({ change: 'disappeared', kind: row.kind, dockerId: row.dockerId, name: row.name, workspace: row.workspace });
    }
    if (firstSync) await tx.update(hosts).set({ firstSyncedAt: now }).where(eq(hosts.id, hostId));
    return { firstSync, changes };
  });
}
