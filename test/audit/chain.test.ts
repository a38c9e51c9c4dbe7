import { eq } from 'drizzle-orm';
import mysql from 'mysql2/promise';
import { beforeEach, describe, expect, it } from 'vitest';
import { hashAuditEvent } from '../../db/audit/hash.ts';
import { probeAuditWritable } from '../../db/audit/probe.ts';
import { verifyAuditChain } from '../../db/audit/verify.ts';
import { connectDatabase } from '../../db/client.ts';
import { auditChainHead, auditEvents } from '../../db/schema.ts';
import { recordAuditEvent } from '../support/audit-records.ts';
import { truncateAll, useTestDatabase, type TestDatabase } from '../support/database.ts';

let db: TestDatabase;

useTestDatabase((created) => (db = created));
beforeEach(async () => {
});

/** A statement as the database owner, behind the application's back. */
async function asOwner(sql: string, values: unknown[] = []): Promise<void> {
  const conn = await mysql.createConnection({ uri: db.url });
  try {
    await conn.query(sql, values);
  } finally {
    await conn.end();
  }
}

async function recordSome(n: number): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < n; i++) {
    ids.push(
      await recordAuditEvent(db.db, {
        action: `test.step-${i}`,
        actorType: 'user',
        actorId: 7,
        actorName: 'alice',
        detail: { step: i, nested: { b: 2, a: [1, 'x'] } },
        clientIp: '192.0.2.9',
      }),
    );
  }
  return ids;
}

describe('audit hash chain', () => {
  it('verifies an empty trail and a written one', async () => {
    expect(await verifyAuditChain(db.db)).toMatchObject({ ok: true, count: 0 });
    const ids = await recordSome(5);
    const result = await verifyAuditChain(db.db, 2); // batches smaller than the trail
    expect(result).toMatchObject({ ok: true, count: 5, head: { id: ids[4] } });
  });

  it('names the edited row when a row is changed directly as the database owner', async () => {
    const ids = await recordSome(6);
    await asOwner('UPDATE audit_events SET message = ? WHERE id = ?', ['Nothing happened here.', ids[2]]);
    const result = await verifyAuditChain(db.db);
    expect(result).toMatchObject({ ok: false, firstBrokenId: ids[2] });
    if (!result.ok) expect(result.reason).toMatch(/changed after it was written/);
  });

  it('detects an edit of a JSON detail, the outcome or the time', async () => {
    for (const [column, value] of [
      ['detail', '{"step":1,"nested":{"a":[1,"x"],"b":3}}'],
      ['outcome', 'failure'],
      ['at', '2020-01-01 00:00:00.000'],
    ] as const) {
      await truncateAll(db);
      const ids = await recordSome(3);
      await asOwner(`UPDATE audit_events SET \`${column}\` = ? WHERE id = ?`, [value, ids[1]]);
      expect(await verifyAuditChain(db.db), column).toMatchObject({ ok: false, firstBrokenId: ids[1] });
    }
  });

  it('detects a deleted row: the next row no longer follows', async () => {
    const ids = await recordSome(5);
    await asOwner('DELETE FROM audit_events WHERE id = ?', [ids[1]]);
    const result = await verifyAuditChain(db.db);
    expect(result).toMatchObject({ ok: false, firstBrokenId: ids[2] });
    if (!result.ok) expect(result.reason).toMatch(/deleted/);
  });

  it('detects deleted newest rows through the chain head', async () => {
    const ids = await recordSome(4);
    await asOwner('DELETE FROM audit_events WHERE id >= ?', [ids[2]]);
    const result = await verifyAuditChain(db.db);
    expect(result).toMatchObject({ ok: false, firstBrokenId: ids[3] });
    if (!result.ok) expect(result.reason).toMatch(/missing/);
  });

  it('detects a row edited with its hash recomputed, at the next link', async () => {
    const ids = await recordSome(3);
    const [row] = await db.db.select().from(auditEvents).where(eq(auditEvents.id, ids[0]!));
    const forged = { ...row!, message: 'forged' };
    await asOwner('UPDATE audit_events SET message = ?, hash = ? WHERE id = ?', [
      forged.message,
      await hashAuditEvent(forged.prevHash, forged),
      ids[0],
    ]);
    expect(await verifyAuditChain(db.db)).toMatchObject({ ok: false, firstBrokenId: ids[1] });
  });

  it('keeps one unbroken chain under 50 concurrent writers from two instances', async () => {
    const second = connectDatabase(db.url, { connectionLimit: 10 });
    try {
      const writers = Array.from({ length: 50 }, (_, i) =>
        recordAuditEvent(i % 2 === 0 ? db.db : second.db, { action: 'test.concurrent', message: `writer ${i}`, detail: { i } }),
      );
      const ids = await Promise.all(writers);
      expect(new Set(ids).size).toBe(50);
    } finally {
      await second.close();
    }
    const rows = await db.db.select({ prevHash: auditEvents.prevHash }).from(auditEvents);
    expect(new Set(rows.map((r) => r.prevHash)).size).toBe(50); // no two records claim the same predecessor
    expect(await verifyAuditChain(db.db)).toMatchObject({ ok: true, count: 50 });
  });

  it('writes nothing and leaves the chain head alone when probing writability', async () => {
    await recordSome(2);
    const [before] = await db.db.select().from(auditChainHead).where(eq(auditChainHead.id, 1));
    await probeAuditWritable(db.db, new Date());
    await probeAuditWritable(db.db, new Date());
    const [after] = await db.db.select().from(auditChainHead).where(eq(auditChainHead.id, 1));
    expect(after).toEqual(before);
    expect(await db.db.$count(auditEvents)).toBe(2);
    // The probes used up ids; the next record still chains on.
    await recordSome(1);
    expect(await verifyAuditChain(db.db)).toMatchObject({ ok: true, count: 3 });
  });
});
