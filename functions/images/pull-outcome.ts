import type { HostClient } from '../../agent/client/agent-client.ts';
import { imageByReferencePath, pullPath, type ImageDetail, type PullFrame, type PullStarted } from '../../agent/protocol/messages.ts';
import { createNdjsonParser } from '../../agent/protocol/ndjson.ts';
import type { Database } from '../../db/client.ts';
import { claimSharedResource } from '../../db/queries/resources.ts';
import type { Host } from '../../db/schema.ts';
import type { Clock, Logger } from '../app-env.ts';
import { recordAudit, type AuditActor } from '../audit/audit.ts';

export interface PullOutcomeDeps {
  db: Database;
  clock: Clock;
  logger: Logger;
  /** Waits between attempts to reach the pull again after its stream broke off. */
  retryDelaysMs?: number[];
}

/** Who started the pull, for its audit record (written after the request has ended). */
export interface PullRequester {
  actor: Extract<AuditActor, { type: 'user' }>;
  clientIp: string | null;
  requestId: string;
}

const DEFAULT_RETRY_DELAYS_MS = [1_000, 2_000, 5_000, 10_000, 30_000];

type FinalFrame = Extract<PullFrame, { type: 'done' | 'error' }>;

/**
 * Follows a pull the agent runs until its final frame, then records the
 * outcome once: on success the image the reference now names, as a signed
 * inspect answers (the pull stream itself is not signed, so its image id is
 * not trusted), is claimed as `public` unless a user's workspace holds it,
 * and `image.pull` is audited as success; a pull that failed (the
 * registry's message) or whose outcome could not be learned is audited as
 * failure.
 * Runs in the background after the request that started the pull, whether
 * or not anyone watches the pull in a page. Never rejects.
 */
export async function recordPullOutcome(
  deps: PullOutcomeDeps,
  requester: PullRequester,
  host: Host,
  client: HostClient,
  started: PullStarted,
): Promise<void> {
  const record = (outcome: 'success' | 'failure', message: string, imageId: string | null) =>
    recordAudit(deps, {
      ...requester,
      action: 'image.pull',
      outcome,
      host: { id: host.id, name: host.name },
      target: { kind: 'image', id: imageId, name: started.reference },
      message,
      detail: { pullId: started.pullId },
    });
  try {
    const final = await followToEnd(client, started.pullId, deps.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS);
    if (final.type !== 'done') {
      await record('failure', final.message, null);
      return;
    }
    const pulled = await client.request<ImageDetail>('GET', imageByReferencePath(started.reference));
    if (!pulled.ok) {
      await record('failure', `The pull ended, but ${host.name} did not confirm which image ${started.reference} names (${pulled.message}); nothing was made public.`, null);
      return;
    }
    const imageId = pulled.data.id;
    const shared = await claimSharedResource(deps.db, {
      hostId: host.id,
      kind: 'image',
      dockerId: imageId,
      workspace: 'public',
      origin: 'platform',
      createdBy: requester.actor.name,
      name: started.reference,
      createdAt: new Date(deps.clock()),
    });
    await record('success', shared ? final.message : `${final.message} The image belongs to a private workspace and stays there.`, imageId);
  } catch (error) {
    // The audit record itself failed: the server log is all that is left of it.
    deps.logger.error('image.pull outcome not recorded', {
      host: host.name,
      pullId: started.pullId,
      reference: started.reference,
      requestId: requester.requestId,
      error: (error as Error).stack ?? String(error),
    });
  }
}

/** The pull's final frame, reading its stream again after a break; an `error` frame when it cannot be learned. */
async function followToEnd(client: HostClient, pullId: string, retryDelaysMs: number[]): Promise<FinalFrame> {
  let lastProblem = '';
  for (let attempt = 0; attempt <= retryDelaysMs.length; attempt += 1) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, retryDelaysMs[attempt - 1]));
    const opened = await client.stream('GET', pullPath(pullId));
    if (!opened.ok) {
      if (opened.kind === 'rejected' && opened.status === 404) {
        return { type: 'error', message: 'Outcome unknown: the agent no longer knows this pull (it may have restarted).' };
      }
      lastProblem = opened.message;
      continue;
    }
    try {
      for await (const frame of opened.data.pipeThrough(createNdjsonParser()) as unknown as AsyncIterable<PullFrame>) {
        if (frame.type === 'done' || frame.type === 'error') return frame;
      }
      lastProblem = 'the agent ended the pull stream before its outcome';
    } catch (error) {
      lastProblem = `the pull stream broke off: ${(error as Error).message}`;
    }
  }
  return { type: 'error', message: `Outcome unknown: ${lastProblem}.` };
}
