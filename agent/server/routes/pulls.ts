import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { runPull } from '../../docker/pull-image.ts';
import { formatImageReference, parseImageReference } from '../../protocol/image-reference.ts';
import type { PullStarted } from '../../protocol/messages.ts';
import { createNdjsonSerializer, NDJSON_CONTENT_TYPE } from '../../protocol/ndjson.ts';
import { agentError } from '../agent-error.ts';
import type { AgentEnv } from '../env.ts';
import { referenceFromBody } from '../reference-from-body.ts';

/**
 * Pull jobs: `POST /` starts one and answers at once; the pull runs on the
 * agent to its end whoever watches; `GET /:pullId` streams its frames from
 * the current state to the final `done`/`error`; `GET /` lists the jobs kept.
 */
export const pullRoutes = new Hono<AgentEnv>()
  .get('/', (c) => c.json(c.var.pulls.list()))
  .post('/', async (c) => {
    const parsed = parseImageReference(await referenceFromBody(c));
    if (!parsed.ok) throw new HTTPException(400, { message: parsed.message });
    const reference = formatImageReference(parsed.reference);
    const job = c.var.pulls.start(reference, c.var.signedRequest.actor);
    if (!job) {
      const { status, body } = agentError(503, 'too-many-pulls', 'Too many pulls are running on this host; try again when one has finished.');
      return c.json(body, status);
    }
    // Outlives the request on purpose: the pull goes on if the caller goes away.
    void runPull(c.var.docker, job, parsed.reference);
    return c.json({ pullId: job.pullId, reference } satisfies PullStarted, 202);
  })
  .get('/:pullId', (c) => {
    const frames = c.var.pulls.watch(c.req.param('pullId'));
    if (!frames) throw new HTTPException(404, { message: 'No such pull on this host: finished pulls are forgotten after a while, and when the agent restarts.' });
    return new Response(frames.pipeThrough(createNdjsonSerializer()), { headers: { 'content-type': NDJSON_CONTENT_TYPE } });
  });
