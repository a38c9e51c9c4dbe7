import { eq } from 'drizzle-orm';
import type { Database } from '../client.ts';
import { auditChainHead, auditEvents } from '../schema.ts';
import { hashAuditEvent, type HashedAuditFields } from './hash.ts';

/**
 * Appends one record to the audit trail. The chain head row is locked for the
 * length of the transaction, so concurrent writers (in this process or
 * another instance) append one after another and never fork the chain.
 * Throws when the record cannot be written: callers fail closed.
 */
export async function appendAuditEvent(db: Database, event: HashedAuditFields): Promise<number> {
  // MySQL keeps milliseconds only; hash exactly what is stored.
  const at = new Date(Math.floor(event.at.getTime()));
  return db.transaction(async (tx) => {
    const [head] = await tx.select().from(auditChainHead).where(eq(auditChainHead.id, 1)).for('update');
    if (!head) throw new Error('The audit chain head is missing: run the migrations.');
    const fields = { ...event, at };
    const hash = await hashAuditEvent(head.lastHash, fields);
    const [result] = await tx.insert(auditEvents).values({ ...fields, prevHash: head.lastHash, hash });
    const id = result.insertId;
    await tx.update(auditChainHead).set({ lastEventId: id, lastHash: hash }).where(eq(auditChainHead.id, 1));
    return id;
  });
}
