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
 * turns, and the second finds nothing left to do. An object carrying
 * Berth's workspace label is adopted into that workspace, at the first sync
 * too (a re-enrolled host keeps its users' private objects private). Other
 * unknown objects are public at the first sync and external later.
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
      const row = ownershipOf(o, hostId, firstSync, now);
      additions.push(row);
      if (row.origin === 'platform' || !firstSync) {
        const change = row.origin === 'platform' ? 'adopted' : 'appeared';
        changes.push({ change, kind: o.kind, dockerId: o.dockerId, name: o.name, workspace: row.workspace });
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

/** The ownership row for an object sync has not seen before: its label first, then first sync or not. */
function ownershipOf(o: HostObject, hostId: number, firstSync: boolean, now: Date): NewResource {
  const base = { hostId, kind: o.kind, dockerId: o.dockerId, name: o.name, createdAt: now };
  if (o.labelledWorkspace !== null) return { ...base, workspace: o.labelledWorkspace, origin: 'platform', createdBy: o.labelledCreator };
  if (firstSync) return { ...base, workspace: 'public', origin: 'preexisting', createdBy: null };
  return { ...base, workspace: 'external', origin: 'external', createdBy: 'external' };
}
