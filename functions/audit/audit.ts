import type { Context } from 'hono';
import { appendAuditEvent } from '../../db/audit/append.ts';
import type { Database } from '../../db/client.ts';
import type { AppEnv, Clock } from '../app-env.ts';

export type AuditOutcome = 'success' | 'failure' | 'denied';

export type AuditActor = { type: 'user'; id: number; name: string } | { type: 'external' | 'system'; name?: string };

export interface AuditEntry {
  action: string;
  outcome: AuditOutcome;
  message: string;
  host?: { id: number; name: string } | null;
  target?: { kind: string; id?: string | null; name?: string | null };
  /** Never a password, token or secret value. */
  detail?: Record<string, unknown>;
  /** Defaults to the signed-in user; `external`/`system` for changes Berth did not make. */
  actor?: AuditActor;
  /** For a request without a session (login, register): the name that was tried. */
  attemptedBy?: string;
}

/**
 * Writes one audit record outside a request (the sync timer). Throws when the
 * record cannot be written.
 */
export async function recordAudit(
  deps: { db: Database; clock: Clock },
  entry: AuditEntry & { actor: AuditActor; clientIp?: string | null; requestId?: string | null },
): Promise<void> {
  const { actor } = entry;
  await appendAuditEvent(deps.db, {
    at: new Date(deps.clock()),
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
    clientIp: entry.clientIp ?? null,
    requestId: entry.requestId ?? null,
  });
}

/**
 * The one way to write an audit record from a request: the actor is the
 * signed-in user unless given. Throws when the record cannot be written, so
 * the caller's action fails closed.
 */
export async function audit(c: Context<AppEnv>, entry: AuditEntry): Promise<void> {
  const user = c.get('user');
  const actor: AuditActor =
    entry.actor ?? (user ? { type: 'user', id: user.id, name: user.username } : { type: 'system', name: entry.attemptedBy ?? 'anonymous' });
  await recordAudit(
    { db: c.get('db'), clock: c.get('clock') },
    { ...entry, actor, clientIp: c.get('clientAddress'), requestId: c.get('requestId') },
  );
}
