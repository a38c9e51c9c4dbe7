import type { AgentResult } from '../../agent/client/agent-client.ts';
import type { Database } from '../../db/client.ts';
import { changeHostStatus, markHostSeen, type HostStatus } from '../../db/queries/hosts.ts';
import type { Host } from '../../db/schema.ts';
import type { Clock } from '../app-env.ts';
import { recordAudit } from '../audit/audit.ts';

export type { HostStatus };

/** A failed agent call: its kind, HTTP status if any, and message. */
export type AgentFailure = Exclude<AgentResult<never>, { ok: true }>;

/**
 * What an agent's answer says about its host: `up` when it answered and was
 * verified; `unverified` when the signature check failed either way (the
 * agent does not hold the key we enrolled, or it was started for another
 * control plane); `down` when it did not answer in time, or cannot do its job
 * (its Docker is not answering).
 */
export function hostStatusOf(result: AgentResult<unknown>): HostStatus {
  if (result.ok) return 'up';
  if (result.kind === 'unverified' || (result.kind === 'rejected' && result.status === 401)) return 'unverified';
  return 'down';
}

/**
 * The sentence a page shows for a host that could not do what was asked:
 * never a success, and always naming the host.
 *
 * @example
 * if (!result.ok) notices.push(hostFailureMessage(host.name, result));
 */
export function hostFailureMessage(hostName: string, failure: AgentFailure): string {
  return hostStatusOf(failure) === 'unverified'
    ? `Host ${hostName} is failing verification: ${failure.message}`
    : `Host ${hostName} is unreachable: ${failure.message}`;
}

/**
 * Keeps `last_seen_at` and `last_status` in line with an agent's answer, and
 * audits a change of reachability once (actor `system`), even when several
 * instances see it at the same moment: only the one whose conditional update
 * changed the row writes the record.
 */
export async function recordHostStatus(
  deps: { db: Database; clock: Clock },
  host: Pick<Host, 'id' | 'name'>,
  result: AgentResult<unknown>,
): Promise<HostStatus> {
  const status = hostStatusOf(result);
  if (status === 'up') await markHostSeen(deps.db, host.id, new Date(deps.clock()));
  if (await changeHostStatus(deps.db, host.id, status)) {
    await recordAudit(deps, {
      actor: { type: 'system' },
      action: 'host.reachability',
      outcome: result.ok ? 'success' : 'failure',
      host: { id: host.id, name: host.name },
      message: result.ok ? `Host ${host.name} answers again.` : hostFailureMessage(host.name, result),
      detail: result.ok ? { status } : { status, kind: result.kind },
    });
  }
  return status;
}
