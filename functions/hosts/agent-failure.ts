import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Host } from '../../db/schema.ts';
import { hostFailureMessage, type AgentFailure } from './host-status.ts';

/**
 * The status and sentence for a failed agent call. The agent's own refusals
 * (Docker's "no such container", "name already in use", a field it rejects)
 * keep their status and Docker's words; a timeout or an unsigned answer is
 * "outcome unknown", never success nor a plain failure.
 */
export function describeAgentFailure(host: Host, failure: AgentFailure): { status: ContentfulStatusCode; message: string } {
  switch (failure.kind) {
    case 'rejected':
      if (failure.status === 401) return { status: 502, message: `The agent on ${host.name} refused Berth's signature: ${failure.message}` };
      return { status: (failure.status ?? 400) as ContentfulStatusCode, message: failure.message };
    case 'unreachable':
      return { status: 503, message: hostFailureMessage(host.name, failure) };
    case 'timeout':
      return { status: 504, message: `Outcome unknown on ${host.name}: ${failure.message} Check the host before trying again.` };
    case 'unverified':
      return { status: 502, message: `${failure.message} (host ${host.name}). Check the host before trying again.` };
    case 'error':
      return { status: 502, message: `Host ${host.name} failed: ${failure.message}` };
  }
}
