import { asc, eq, gt } from 'drizzle-orm';
import type { Database } from '../client.ts';
import { auditChainHead, auditEvents } from '../schema.ts';
import { genesisHash, hashAuditEvent } from './hash.ts';

export type ChainVerification =
  | { ok: true; count: number; head: { id: number; hash: string } }
  | { ok: false; firstBrokenId: number; reason: string };

/**
 * Walks the audit trail by id, recomputing each record's hash from its fields
 * and the previous record's hash, and names the first record that does not
 * fit: changed (its hash no longer matches), or following a deleted one (its
 * link points elsewhere). Deleting the newest records is caught by the chain
 * head, read before the walk: the walk must reach the record it names.
 * Records appended during the walk are checked too. Ids may have gaps
 * (rolled-back write probes), so only hashes link records.
 */
export async function verifyAuditChain(db: Database, batchSize = 1000): Promise<ChainVerification> {
  const [head] = await db.select().from(auditChainHead).where(eq(auditChainHead.id, 1));
  if (!head) return { ok: false, firstBrokenId: 0, reason: 'The chain head row is missing, so the trail cannot be checked.' };

  let previous = { id: 0, hash: genesisHash };
  let count = 0;
  let reachedHead = head.lastEventId === 0 && head.lastHash === genesisHash;
  for (;;) {
    const rows = await db
      .select()
      .from(auditEvents)
      .where(gt(auditEvents.id, previous.id))
      .orderBy(asc(auditEvents.id))
      .limit(batchSize);
    for (const row of rows) {
      if (row.prevHash !== previous.hash) {
        const after = previous.id === 0 ? 'the start of the trail' : `record #${previous.id}`;
        return {
          ok: false,
          firstBrokenId: row.id,
          reason: `Record #${row.id} does not follow ${after}: a record between them was deleted, or this record's link was changed.`,
        };
      }
      if ((await hashAuditEvent(previous.hash, row)) !== row.hash) {
        return { ok: false, firstBrokenId: row.id, reason: `Record #${row.id} was changed after it was written: its hash does not match its contents.` };
      }
      if (row.id === head.lastEventId) {
        if (row.hash !== head.lastHash) {
          return { ok: false, firstBrokenId: row.id, reason: `Record #${row.id} does not match the chain head: it was rewritten.` };
        }
        reachedHead = true;
      }
      previous = { id: row.id, hash: row.hash };
      count++;
    }
    if (rows.length < batchSize) break;
  }
  if (!reachedHead) {
    return {
      ok: false,
      firstBrokenId: head.lastEventId,
      reason: `Record #${head.lastEventId}, the newest when the check began, is missing: the newest records were deleted (the trail now ends at ${previous.id === 0 ? 'its start' : `#${previous.id}`}).`,
    };
  }
  return { ok: true, count, head: previous };
}
