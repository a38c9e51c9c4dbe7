/**
 * The audit hash chain: each record's hash covers its fields and the previous
 * record's hash, so editing or deleting a row breaks every hash after it.
 */

export const genesisHash = '0'.repeat(64);

export interface HashedAuditFields {
  at: Date;
  actorType: 'user' | 'external' | 'system';
  actorId: number | null;
  actorName: string;
  action: string;
  hostId: number | null;
  hostName: string | null;
  targetKind: string | null;
  targetId: string | null;
  targetName: string | null;
  outcome: 'success' | 'failure' | 'denied';
  message: string;
  detail: Record<string, unknown> | null;
  clientIp: string | null;
  requestId: string | null;
}

/** JSON with object keys sorted, so MySQL's reordering of JSON keys does not change the hash. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

export async function hashAuditEvent(prevHash: string, e: HashedAuditFields): Promise<string> {
  const canonical = canonicalJson([
    prevHash,
    e.at.toISOString(),
    e.actorType,
    e.actorId,
    e.actorName,
    e.action,
    e.hostId,
    e.hostName,
    e.targetKind,
    e.targetId,
    e.targetName,
    e.outcome,
    e.message,
    e.detail,
    e.clientIp,
    e.requestId,
  ]);
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(canonical));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}
