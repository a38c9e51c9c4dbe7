import { and, asc, eq, ne, sql } from 'drizzle-orm';
import type { Database } from '../client.ts';
import { hosts, type Host } from '../schema.ts';

/** What the control plane last saw of a host: answering and verified, not answering, or answering but failing verification. */
export type HostStatus = 'up' | 'down' | 'unverified';

export interface NewHost {
  name: string;
  agentUrl: string;
  agentPublicKey: string;
  tlsFingerprint?: string | null;
  createdAt: Date;
}

export async function listHosts(db: Database): Promise<Host[]> {
  return db.select().from(hosts).orderBy(asc(hosts.name));
}

export async function findHostByName(db: Database, name: string): Promise<Host | null> {
  const [row] = await db.select().from(hosts).where(eq(hosts.name, name));
  return row ?? null;
}

export async function findHostByAgentKey(db: Database, agentPublicKey: string): Promise<Host | null> {
  const [row] = await db.select().from(hosts).where(eq(hosts.agentPublicKey, agentPublicKey));
  return row ?? null;
}

/**
 * Registers the embedded local host at start. The row holding this agent key
 * keeps its name (an admin may have renamed it) and takes the new URL;
 * otherwise the row named `name` is created, or takes the new URL and key
 * (the local agent's port or key may change between runs).
 */
export async function upsertHost(db: Database, host: NewHost): Promise<Host> {
  const enrolled = await findHostByAgentKey(db, host.agentPublicKey);
  if (enrolled) {
    await db.update(hosts).set({ agentUrl: host.agentUrl }).where(eq(hosts.id, enrolled.id));
    return { ...enrolled, agentUrl: host.agentUrl };
  }
  await db
    .insert(hosts)
    .values(host)
    .onDuplicateKeyUpdate({ set: { agentUrl: host.agentUrl, agentPublicKey: host.agentPublicKey } });
  const row = await findHostByName(db, host.name);
  if (!row) throw new Error(`Host ${host.name} vanished right after it was registered.`);
  return row;
}

/** Enrolls a host; `name-taken` when another host has the name (checked by the unique index, so races are safe). */
export async function insertHost(db: Database, host: NewHost): Promise<Host | 'name-taken'> {
  try {
    await db.insert(hosts).values(host);
  } catch (error) {
    if (await findHostByName(db, host.name)) return 'name-taken';
    throw error;
  }
  const row = await findHostByName(db, host.name);
  if (!row) throw new Error(`Host ${host.name} vanished right after it was enrolled.`);
  return row;
}

/** Renames a host; `name-taken` when another host has the new name. */
export async function renameHost(db: Database, hostId: number, name: string): Promise<'renamed' | 'name-taken'> {
  try {
    await db.update(hosts).set({ name }).where(eq(hosts.id, hostId));
  } catch (error) {
    const holder = await findHostByName(db, name);
    if (holder && holder.id !== hostId) return 'name-taken';
    throw error;
  }
  return 'renamed';
}

/** Deletes a host and, by cascade, its ownership rows; returns whether this call deleted it. */
export async function deleteHost(db: Database, hostId: number): Promise<boolean> {
  const [result] = await db.delete(hosts).where(eq(hosts.id, hostId));
  return result.affectedRows === 1;
}

/**
 * The agent answered and was verified: `last_seen_at` moves on, and a host
 * never checked before becomes `up` silently (first contact is no change).
 */
export async function markHostSeen(db: Database, hostId: number, now: Date): Promise<void> {
  await db
    .update(hosts)
    .set({ lastSeenAt: now, lastStatus: sql`IF(${hosts.lastStatus} = 'unknown', 'up', ${hosts.lastStatus})` })
    .where(eq(hosts.id, hostId));
}

/**
 * Sets the host's status only if it differs, and says whether this call
 * changed it: of several instances seeing the same change at once, exactly
 * one gets `true` (and audits it).
 */
export async function changeHostStatus(db: Database, hostId: number, status: HostStatus): Promise<boolean> {
  const [result] = await db
    .update(hosts)
    .set({ lastStatus: status })
    .where(and(eq(hosts.id, hostId), ne(hosts.lastStatus, status)));
  return result.affectedRows === 1;
}
