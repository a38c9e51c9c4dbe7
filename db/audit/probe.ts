import { TransactionRollbackError } from 'drizzle-orm';
import type { Database } from '../client.ts';
import { auditEvents } from '../schema.ts';
import { genesisHash } from './hash.ts';

/**
 * Checks that the audit trail can be written right now: inserts a probe row
 * in a transaction of its own and rolls it back, so nothing is stored and the
 * chain does not move. Throws the database's error when the insert fails.
 * It costs an AUTO_INCREMENT value, so record ids have gaps; the chain links
 * rows by hash, never by consecutive ids.
 */
export async function probeAuditWritable(db: Database, at: Date): Promise<void> {
  try {
    await db.transaction(async (tx) => {
      await tx.insert(auditEvents).values({
        at,
        actorType: 'system',
        actorName: 'system',
        action: 'audit.probe',
        outcome: 'success',
        message: 'Write probe, rolled back.',
        prevHash: genesisHash,
        hash: genesisHash,
      });
      tx.rollback();
    });
  } catch (err) {
    if (err instanceof TransactionRollbackError) return;
    throw err;
  }
}
