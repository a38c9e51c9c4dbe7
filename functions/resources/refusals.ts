import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ResourceKind } from '../../db/queries/resources.ts';
import type { Host } from '../../db/schema.ts';
import type { AppEnv, CurrentUser } from '../app-env.ts';
import { audit } from '../audit/audit.ts';
import { describeAgentFailure } from '../hosts/agent-failure.ts';
import type { AgentFailure } from '../hosts/host-status.ts';

/** The signed-in user of a route behind requireUser. */
export function signedInUser(c: Context<AppEnv>): CurrentUser {
  const user = c.get('user');
  if (!user) throw new HTTPException(401, { message: 'Sign in first.' });
  return user;
}

/** A host as audit records name it. */
export function hostRef(host: Host) {
  return { id: host.id, name: host.name };
}

type Target = { id?: string | null; name?: string | null };

/**
 * How the routes acting on one kind of resource refuse: each refusal is
 * audited as the action's failure (so the request leaves its one outcome
 * record), then answered.
 *
 * @example
 * const { failWith, refuseInput, deny } = refusalsFor('image');
 * if (!parsed.ok) return refuseInput(c, 'image.tag', host, { id }, parsed.message);
 */
export function refusalsFor(kind: ResourceKind) {
  return {
    /** A failed agent call, in the agent's (Docker's) words, with the status they call for. */
    async failWith(c: Context<AppEnv>, action: string, host: Host, target: Target, failure: AgentFailure): Promise<never> {
      const { status, message } = describeAgentFailure(host, failure);
      await audit(c, {
        action,
        outcome: 'failure',
        host: hostRef(host),
        target: { kind, ...target },
        message,
        detail: { agentResult: failure.kind, ...(failure.status ? { agentStatus: failure.status } : {}) },
      });
      throw new HTTPException(status, { message });
    },
    /** Refused by a rule on who may do it, before any agent call: 403, recorded as denied. */
    async deny(c: Context<AppEnv>, action: string, host: Host, target: Target, message: string): Promise<never> {
      await audit(c, { action, outcome: 'denied', host: hostRef(host), target: { kind, ...target }, message });
      throw new HTTPException(403, { message });
    },
    /** Refused input, before any agent call: 400. */
    async refuseInput(c: Context<AppEnv>, action: string, host: Host, target: Target, message: string): Promise<never> {
      await audit(c, { action, outcome: 'failure', host: hostRef(host), target: { kind, ...target }, message });
      throw new HTTPException(400, { message });
    },
  };
}
