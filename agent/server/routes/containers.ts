import { Hono, type Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { runContainerAction, removeContainer } from '../../docker/container-actions.ts';
import { commitContainer } from '../../docker/container-commit.ts';
import { createContainer } from '../../docker/container-create.ts';
import { inspectContainer } from '../../docker/container-inspect.ts';
import { listContainers } from '../../docker/containers.ts';
import { checkCommitContainerRequest, checkCreateContainerRequest, isContainerId, type Checked } from '../../protocol/container-fields.ts';
import { CONTAINER_ACTIONS, type ContainerAction } from '../../protocol/messages.ts';
import { agentError } from '../agent-error.ts';
import type { AgentEnv } from '../env.ts';

/** The `:id` path parameter, refused unless it is a full container id (no names, no prefixes). */
function containerId(c: Context<AgentEnv>): string {
  const id = c.req.param('id') ?? '';
  if (!isContainerId(id)) throw new HTTPException(400, { message: `"${id}" is not a container id (64 hex characters).` });
  return id;
}

async function checkedBody<T>(c: Context<AgentEnv>, check: (body: unknown) => Checked<T>): Promise<T> {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    throw new HTTPException(400, { message: 'The request body is not JSON.' });
  }
  const checked = check(body);
  if (!checked.ok) throw new HTTPException(400, { message: checked.message });
  return checked.value;
}

function isContainerAction(value: string): value is ContainerAction {
  return (CONTAINER_ACTIONS as readonly string[]).includes(value);
}

export const containerRoutes = new Hono<AgentEnv>()
  .get('/', async (c) => c.json(await listContainers(c.var.docker)))
  .post('/', async (c) => {
    const request = await checkedBody(c, checkCreateContainerRequest);
    const outcome = await createContainer(c.var.docker, request);
    if (!outcome.ok) {
      const { status, body } = agentError(outcome.reason === 'policy-refused' ? 403 : 409, outcome.reason, outcome.message);
      return c.json(body, status);
    }
    return c.json(outcome.container, 201);
  })
  .get('/:id', async (c) => c.json(await inspectContainer(c.var.docker, containerId(c))))
  .delete('/:id', async (c) => {
    const force = c.req.query('force');
    if (force !== undefined && force !== '1' && force !== '0') throw new HTTPException(400, { message: 'force must be 1 or 0.' });
    return c.json(await removeContainer(c.var.docker, containerId(c), force === '1'));
  })
  .post('/:id/commit', async (c) => {
    const id = containerId(c);
    const request = await checkedBody(c, checkCommitContainerRequest);
    return c.json(await commitContainer(c.var.docker, id, request), 201);
  })
  .post('/:id/:action', async (c) => {
    const id = containerId(c);
    const action = c.req.param('action');
    if (!isContainerAction(action)) throw new HTTPException(404, { message: `No container action "${action}".` });
    return c.json(await runContainerAction(c.var.docker, id, action));
  });
