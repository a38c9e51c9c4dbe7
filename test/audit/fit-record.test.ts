// Audit records fit their columns and show hidden characters, so an overlong
// or deceptive input never costs the record (or the action with it).
import { describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../db/audit/verify.ts';
import { fitAuditText, fitDetail } from '../../functions/audit/fit-record.ts';
import { auditRecordsOf } from '../support/audit-records.ts';
import { createTestApp } from '../support/app.ts';
import { useTestDatabase, type TestDatabase } from '../support/database.ts';

let db: TestDatabase;
useTestDatabase((created) => (db = created));

describe('fitting text to the audit trail', () => {
  it('spells out controls and direction overrides, and keeps tabs, newlines and other text', () => {
    expect(fitAuditText('x\u202Eevil\u2066\u0000', 64)).toBe('x\\u202Eevil\\u2066\\u0000');
    expect(fitAuditText('tab\tnew\nline café 🚢', 64)).toBe('tab\tnew\nline café 🚢');
  });

  it('cuts an overlong value to the limit with an ellipsis, never between the halves of a surrogate pair', () => {
    expect(fitAuditText('a'.repeat(300), 255)).toBe(`${'a'.repeat(254)}…`);
    expect(fitAuditText(`${'a'.repeat(253)}🚢🚢`, 255)).toBe(`${'a'.repeat(253)}…`);
    expect(fitAuditText('a'.repeat(255), 255)).toBe('a'.repeat(255));
  });

  it('fits every string in a detail object, keys included', () => {
    expect(fitDetail({ ['k\u202E']: ['v'.repeat(5000), 3, null], nested: { ok: true } })).toEqual({
      ['k\\u202E']: [`${'v'.repeat(4095)}…`, 3, null],
      nested: { ok: true },
    });
  });

  it('records a login tried with an overlong deceptive name, fitted, and the chain still verifies', async () => {
    const { request } = await createTestApp({ db });
    const name = `x\u202E${'n'.repeat(400)}`;
    const res = await request('/login', { method: 'POST', body: new URLSearchParams({ username: name, password: 'whatever password' }) });
    expect(res.status).toBe(401);
    const [record] = await auditRecordsOf(db.db, res);
    expect(record?.action).toBe('user.login');
    expect(record?.outcome).toBe('failure');
    expect(record?.actorName).toBe(`x\\u202E${'n'.repeat(56)}…`);
    expect(await verifyAuditChain(db.db)).toMatchObject({ ok: true });
  });
});
