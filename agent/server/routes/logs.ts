import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { openContainerLogs } from '../../docker/log-stream.ts';
import { parseLogQuery } from '../../protocol/log-options.ts';
import { createNdjsonBatchSerializer, NDJSON_CONTENT_TYPE } from '../../protocol/ndjson.ts';
import { agentError } from '../agent-error.ts';
import { fromDockerError } from '../docker-errors.ts';
import type { AgentEnv } from '../env.ts';

/** A container id or name as Docker accepts them. */
const CONTAINER_REF = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/;

/**
 * `GET /v1/containers/:id/logs?stdout&stderr&timestamps&details&tail&since&until&follow`:
 * NDJSON log frames (see LogFrame), back-pressured from the caller to Docker.
 */
export const logRoutes = new Hono<AgentEnv>().get('/:id/logs', async (c) => {
  const id = c.req.param('id');
  if (!CONTAINER_REF.test(id)) throw new HTTPException(400, { message: 'Not a container id or name.' });
  const parsed = parseLogQuery(new URL(c.req.url).searchParams);
  if (!parsed.ok) throw new HTTPException(400, { message: parsed.message });

  const opened = await openContainerLogs(c.var.docker, id, parsed.options);
  if (!opened.ok) {
    // Docker's 501 is "this logging driver cannot be read": name the driver.
    const unreadable = `The logs of this container cannot be read: its logging driver is "${opened.logDriver}" (Docker: ${opened.message}).`;
    const { status, body } =
      opened.statusCode === 501
        ? agentError(409, 'logs-unreadable', unreadable)
        : (fromDockerError({ statusCode: opened.statusCode, json: { message: opened.message } }) ??
          agentError(500, 'docker-error', opened.message));
    return c.json(body, status);
  }
  return new Response(opened.frames.pipeThrough(createNdjsonBatchSerializer()), {
    headers: { 'content-type': NDJSON_CONTENT_TYPE, 'cache-control': 'no-store' },
  });
});
