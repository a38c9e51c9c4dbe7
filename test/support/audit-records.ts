import { asc, eq, gt, max } from 'drizzle-orm';
import { appendAuditEvent } from '../../db/audit/append.ts';
import type { HashedAuditFields } from '../../db/audit/hash.ts';
import type { Database } from '../../db/client.ts';
import { auditEvents, type AuditEvent } from '../../db/schema.ts';

/** Appends a record through the real chain, with defaults for what a test does not care about. */
export async function recordAuditEvent(db: Database, fields: Partial<HashedAuditFields> = {}): Promise<number> {
  return appendAuditEvent(db, {
    at: new Date(),
    actorType: 'system',
    actorId: null,
    actorName: 'system',
    action: 'test.event',
    hostId: null,
    hostName: null,
    targetKind: null,
    targetId: null,
    targetName: null,
    outcome: 'success',
    message: 'A test record.',
    detail: null,
    clientIp: null,
    requestId: null,
    ...fields,
  });
}

/** The audit records a request wrote, found by its `X-Request-Id` response header. */
export async function auditRecordsOf(db: Database, res: Response): Promise<AuditEvent[]> {
  const requestId = res.headers.get('x-request-id');
  if (!requestId) throw new Error('The response carries no X-Request-Id header.');
  return db.select().from(auditEvents).where(eq(auditEvents.requestId, requestId)).orderBy(asc(auditEvents.id));
}

/** The audit trail as stored, oldest first; `afterId` keeps only what came after a point. */
export async function auditRecords(db: Database, afterId = 0): Promise<AuditEvent[]> {
  return db.select().from(auditEvents).where(gt(auditEvents.id, afterId)).orderBy(asc(auditEvents.id));
}

/** The id of the newest record (0 for none): take it before some requests, then read what they wrote. */
export async function lastAuditId(db: Database): Promise<number> {
  const [row] = await db.select({ id: max(auditEvents.id) }).from(auditEvents);
  return row?.id ?? 0;
}
