import { and, desc, eq, gte, like, lt, type SQL } from 'drizzle-orm';
import type { Database } from '../client.ts';
import { auditEvents, type AuditEvent } from '../schema.ts';

export type AuditOutcome = AuditEvent['outcome'];

/** Which records to read. Every field narrows; none set means all. */
export interface AuditFilter {
  /** Only this user's own records (a non-admin's scope): matched by id, the name only picks the index. */
  ownedBy?: { id: number; username: string };
  actorName?: string;
  /** Matches actions starting with this text, e.g. `container.`. */
  actionPrefix?: string;
  outcome?: AuditOutcome;
  hostName?: string;
  /** Inclusive. */
  from?: Date;
  /** Exclusive. */
  until?: Date;
}

/** Escapes LIKE's wildcards so a prefix matches literally. */
function likePrefix(text: string): string {
  return `${text.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
}

function whereOf(filter: AuditFilter, beforeId?: number): SQL | undefined {
  const e = auditEvents;
  return and(
    filter.ownedBy && and(eq(e.actorType, 'user'), eq(e.actorId, filter.ownedBy.id), eq(e.actorName, filter.ownedBy.username)),
    filter.actorName !== undefined ? eq(e.actorName, filter.actorName) : undefined,
    filter.actionPrefix !== undefined ? like(e.action, likePrefix(filter.actionPrefix)) : undefined,
    filter.outcome !== undefined ? eq(e.outcome, filter.outcome) : undefined,
    filter.hostName !== undefined ? eq(e.hostName, filter.hostName) : undefined,
    filter.from !== undefined ? gte(e.at, filter.from) : undefined,
    filter.until !== undefined ? lt(e.at, filter.until) : undefined,
    beforeId !== undefined ? lt(e.id, beforeId) : undefined,
  );
}

/**
 * One page of records, newest first, older than `beforeId` when given
 * (keyset pagination: the cost does not grow with the page number).
 * `olderId` is where the next page starts, or null on the last page.
 */
export async function listAuditEvents(
  db: Database,
  filter: AuditFilter,
  page: { beforeId?: number; limit: number },
): Promise<{ events: AuditEvent[]; olderId: number | null }> {
  const rows = await db
    .select()
    .from(auditEvents)
    .where(whereOf(filter, page.beforeId))
    .orderBy(desc(auditEvents.id))
    .limit(page.limit + 1);
  const events = rows.slice(0, page.limit);
  return { events, olderId: rows.length > page.limit ? (events.at(-1)?.id ?? null) : null };
}

/** Every matching record, newest first, read in keyset batches so an export never holds the whole trail. */
export async function* auditEventBatches(db: Database, filter: AuditFilter, batchSize = 500): AsyncGenerator<AuditEvent[]> {
  let beforeId: number | undefined;
  for (;;) {
    const { events, olderId } = await listAuditEvents(db, filter, { beforeId, limit: batchSize });
    if (events.length > 0) yield events;
    if (olderId === null) return;
    beforeId = olderId;
  }
}
