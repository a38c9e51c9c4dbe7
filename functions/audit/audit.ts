import type { Context } from 'hono';
import { appendAuditEvent } from '../../db/audit/append.ts';
import type { AppEnv } from '../app-env.ts';

export type AuditOutcome = 'success' | 'failure' | 'denied';

export interface AuditEntry {
  action: string;
  outcome: AuditOutcome;
  message: string;
  host?: { id: number; name: string } | null;
  target?: { kind: string; id?: string | null; name?: string | null };
  /** Never a password, token or secret value. */
  detail?: Record<string, unknown>;
  /** Defaults to the signed-in user; `external`/`system` for changes Berth did not make. */
  actor?: { type: 'user'; id: number; name: string } | { type: 'external' | 'system'; name?: string };
  /** For a request without a session (login, register): the name that was tried. */
  attemptedBy?: string;
}

/**
 * The one way to write an audit record from a request. It throws when the
 * record cannot be written, so the caller's action fails closed.
 */
export async function audit(c: Context<AppEnv>, entry: AuditEntry): Promise<void> {
  const user = c.get('user');
  const actor =
    entry.actor ??
    (user ? { type: 'user' as const, id: user.id, name: user.username } : { type: 'system' as const, name: entry.attemptedBy ?? 'anonymous' });
  await appendAuditEvent(c.get('db'), {
    at: new Date(c.get('clock')()),
    actorType: actor.type,
    actorId: actor.type === 'user' ? actor.id : null,
    actorName: actor.name ?? actor.type,
    action: entry.action,
    hostId: entry.host?.id ?? null,
    hostName: entry.host?.name ?? null,
    targetKind: entry.target?.kind ?? null,
    targetId: entry.target?.id ?? null,
    targetName: entry.target?.name ?? null,
    outcome: entry.outcome,
    message: entry.message,
    detail: entry.detail ?? null,
    clientIp: c.get('clientAddress'),
    requestId: c.get('requestId'),
  });
}
