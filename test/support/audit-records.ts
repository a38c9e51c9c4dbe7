import { asc, eq } from 'drizzle-orm';
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

/** The whole audit trail as stored, oldest first. */
export async function auditRecords(db: Database): Promise<AuditEvent[]> {
  return db.select().from(auditEvents).orderBy(asc(auditEvents.id));
}
