import type Dockerode from 'dockerode';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { createPullJobs } from '../docker/pull-jobs.ts';
import type { KeyPair, PublicKey } from '../protocol/keys.ts';
import { AGENT_PATHS } from '../protocol/messages.ts';
import { createNonceCache } from '../protocol/nonce-cache.ts';
import { DEFAULT_WINDOW_MS } from '../protocol/signing.ts';
import { agentError, codeForStatus } from './agent-error.ts';
import { fromDockerError } from './docker-errors.ts';
import type { AgentEnv } from './env.ts';
import { idempotentCommands } from './idempotent-commands.ts';
import { requireSignedRequest } from './require-signed-request.ts';
import { containerRoutes } from './routes/containers.ts';
import { imageRoutes } from './routes/images.ts';
import { infoRoutes } from './routes/info.ts';
import { logRoutes } from './routes/logs.ts';
import { pullRoutes } from './routes/pulls.ts';
import { signResponses } from './sign-responses.ts';

export interface AgentAppOptions {
  docker: Dockerode;
  /** This agent's own key pair: signs responses, and its key id is the agent id. */
  agentKeys: KeyPair;
  /** The only key whose requests are accepted. */
  controlPlaneKey: PublicKey;
  clock: () => number;
  /** Accepted clock difference either way; default 30 s. */
  windowMs?: number;
  /** Nonces remembered at once; default 100 000 (≈1 600 requests/s over two 30 s windows). */
  nonceCacheSize?: number;
  /** How long a command's result is replayed to repeats; default 10 minutes. */
  commandTtlMs?: number;
  /** Commands remembered at once; default 10 000. */
  commandCacheSize?: number;
  /** Largest request body accepted; default 1 MiB. */
  maxBodyBytes?: number;
  /** Pull jobs kept at once, running and finished; default 50. */
  maxPullJobs?: number;
  logger?: Pick<Console, 'error'>;
}

/**
 * The agent's HTTP API as a Hono app, from injected dependencies. Middleware
 * order matters: responses are signed outermost (so refusals are signed too),
 * then the body is bounded, the request verified, and commands deduplicated.
 *
 * @example
 * const app = createAgentApp({ docker, agentKeys, controlPlaneKey, clock: Date.now });
 */
export function createAgentApp(options: AgentAppOptions): Hono<AgentEnv> {
  const { docker, agentKeys, clock } = options;
  const windowMs = options.windowMs ?? DEFAULT_WINDOW_MS;
  const logger = options.logger ?? console;
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  const pulls = createPullJobs({ clock, maxJobs: options.maxPullJobs ?? 50 });
  const app = new Hono<AgentEnv>();

  app.use(signResponses(agentKeys.privateKey));
  app.use(async function injectDependencies(c, next) {
    c.set('docker', docker);
    c.set('agentId', agentKeys.publicKey.keyId);
    c.set('pulls', pulls);
    await next();
  });
  app.use(
    bodyLimit({
      maxSize: maxBodyBytes,
      onError: (c) => {
        const { status, body } = agentError(413, 'payload-too-large', `Request body exceeds ${maxBodyBytes} bytes.`);
        return c.json(body, status);
      },
    }),
  );
  app.use(
    requireSignedRequest({
      trustedKey: options.controlPlaneKey,
      agentId: agentKeys.publicKey.keyId,
      nonceCache: createNonceCache({ maxEntries: options.nonceCacheSize ?? 100_000, clock }),
      noncesSince: clock(),
      clock,
      windowMs,
    }),
  );
  app.use(
    idempotentCommands({
      ttlMs: options.commandTtlMs ?? 10 * 60_000,
      maxEntries: options.commandCacheSize ?? 10_000,
      clock,
    }),
  );

  app.route(AGENT_PATHS.info, infoRoutes);
  app.route(AGENT_PATHS.containers, containerRoutes);
  app.route(AGENT_PATHS.images, imageRoutes);
  app.route(AGENT_PATHS.pulls, pullRoutes);
  app.route(AGENT_PATHS.containers, logRoutes);

  app.notFound((c) => {
    const { status, body } = agentError(404, 'not-found', `No agent endpoint ${c.req.method} ${new URL(c.req.url).pathname}.`);
    return c.json(body, status);
  });
  app.onError((error, c) => {
    if (error instanceof HTTPException) {
      const { status, body } = agentError(error.status, codeForStatus(error.status), error.message);
      return c.json(body, status);
    }
    const docker = fromDockerError(error);
    if (docker) return c.json(docker.body, docker.status);
    logger.error('berth-agent: unexpected error', error);
    const { status, body } = agentError(500, 'internal', 'Internal agent error; see the agent log.');
    return c.json(body, status);
  });
  return app;
}
