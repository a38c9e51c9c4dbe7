import type { Context } from 'hono';
import { appendAuditEvent } from '../../db/audit/append.ts';
import type { Database } from '../../db/client.ts';
import { databaseErrorMessage } from '../../db/error-message.ts';
import type { AuditOutcome } from '../../db/queries/audit.ts';
import type { AppEnv, Clock } from '../app-env.ts';
import { fitAuditText, fitDetail, fitOptional } from './fit-record.ts';

export type { AuditOutcome };

/**
 * Who acted. A user without an id is someone who named themself without a
 * session (a failed login or registration): recorded under the name tried,
 * never as the system.
 */
export type AuditActor =
  | { type: 'user'; id: number; name: string }
  | { type: 'user'; id: null; name: string }
  | { type: 'external' | 'system'; name?: string };

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
  /**
   * For a request without a session (login, register): the name that was
   * tried, recorded as a user without an id. Empty or absent: `anonymous`.
   */
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
  // Column sizes as in db/schema.ts; `message` is TEXT (64 KB, up to 4 bytes a character).
  await appendAuditEvent(deps.db, {
    at: new Date(deps.clock()),
    actorType: actor.type,
    actorId: actor.type === 'user' ? actor.id : null,
    actorName: fitAuditText(actor.name ?? actor.type, 64),
    action: fitAuditText(entry.action, 64),
    hostId: entry.host?.id ?? null,
    hostName: fitOptional(entry.host?.name, 64),
    targetKind: fitOptional(entry.target?.kind, 32),
    targetId: fitOptional(entry.target?.id, 128),
    targetName: fitOptional(entry.target?.name, 255),
    outcome: entry.outcome,
    message: fitAuditText(entry.message, 16_000),
    detail: entry.detail ? (fitDetail(entry.detail) as Record<string, unknown>) : null,
    clientIp: fitOptional(entry.clientIp, 64),
    requestId: fitOptional(entry.requestId, 64),
  });
}

/**
 * The one way to write an audit record from a request: the actor is the
 * signed-in user unless given. Throws when the record cannot be written, so
 * the caller's action fails closed. Unsafe requests were already refused up
 * front if the trail was unwritable (`requireAuditWritable`); a write that
 * still fails here is logged in full, so the lost record can be rebuilt from
 * the server log.
 */
export async function audit(c: Context<AppEnv>, entry: AuditEntry): Promise<void> {
  const user = c.get('user');
  const actor: AuditActor = entry.actor ?? (user ? { type: 'user', id: user.id, name: user.username } : unauthenticatedActor(entry.attemptedBy));
  const record = { ...entry, actor, clientIp: c.get('clientAddress'), requestId: c.get('requestId') };
  try {
    await recordAudit({ db: c.get('db'), clock: c.get('clock') }, record);
  } catch (err) {
    c.get('logger').error('audit: AN AUDIT RECORD WAS NOT WRITTEN', {
      requestId: record.requestId,
      record: { ...record, at: new Date(c.get('clock')()).toISOString() },
      error: databaseErrorMessage(err),
    });
    throw err;
  }
}

/** The actor of a request without a session: the name it tried to be, else `anonymous` (the system's). */
function unauthenticatedActor(attemptedBy: string | undefined): AuditActor {
  return attemptedBy ? { type: 'user', id: null, name: attemptedBy } : { type: 'system', name: 'anonymous' };
}
