import { asc, eq } from 'drizzle-orm';
import type { Database } from '../client.ts';
import { hosts, type Host } from '../schema.ts';

export async function listHosts(db: Database): Promise<Host[]> {
  return db.select().from(hosts).orderBy(asc(hosts.name));
}

export async function findHostByName(db: Database, name: string): Promise<Host | null> {
  const [row] = await db.select().from(hosts).where(eq(hosts.name, name));
  return row ?? null;
}

/**
 * Registers a host, or updates its URL and key when it exists (the embedded
 * local agent's port or key may change between runs).
 */
export async function upsertHost(
  db: Database,
  host: { name: string; agentUrl: string; agentPublicKey: string; createdAt: Date },
): Promise<Host> {
  await db
    .insert(hosts)
    .values(host)
    .onDuplicateKeyUpdate({ set: { agentUrl: host.agentUrl, agentPublicKey: host.agentPublicKey } });
  const row = await findHostByName(db, host.name);
  if (!row) throw new Error(`Host ${host.name} vanished right after it was registered.`);
  return row;
}
