// Shared setup for agent tests: an agent app with a signed client wired to it.
import Dockerode from 'dockerode';
import type { Hono } from 'hono';
import { createAgentClient, type HostClient } from '../../agent/client/agent-client.ts';
import { generateKeyPair, type KeyPair } from '../../agent/protocol/keys.ts';
import { createAgentApp, type AgentAppOptions } from '../../agent/server/app.ts';
import type { AgentEnv } from '../../agent/server/env.ts';

export const AGENT_TEST_URL = 'http://agent.test';

/** A fetch that hands requests to a Hono app in-process. */
export function fetchFrom(app: Hono<AgentEnv>): typeof fetch {
  return (async (input: RequestInfo | URL, init?: RequestInit) =>
    app.request(input instanceof URL ? input.href : input, init)) as typeof fetch;
}

export interface AppWithClientOptions {
  app?: Partial<Omit<AgentAppOptions, 'agentKeys' | 'controlPlaneKey' | 'clock'>>;
  /** Sits between client and agent, e.g. to tamper with responses. */
  wrapFetch?: (fetchFromApp: typeof fetch) => typeof fetch;
}

/**
 * An agent app (its Docker socket does not exist unless `app.docker` is given)
 * and a client that reaches it in-process through `app.request`. The clock is
 * shared and can be moved by the test.
 */
export async function appWithClient(options: AppWithClientOptions = {}) {
  const [controlPlane, agentKeys, stranger] = await Promise.all([generateKeyPair(), generateKeyPair(), generateKeyPair()]);
  const clock = { now: Date.now() };
  const app = createAgentApp({
    docker: new Dockerode({ socketPath: '/nonexistent/docker.sock' }),
    agentKeys,
    controlPlaneKey: controlPlane.publicKey,
    clock: () => clock.now,
    logger: { error: () => {} },
    ...options.app,
  });
  const transport = options.wrapFetch ? options.wrapFetch(fetchFrom(app)) : fetchFrom(app);

  function clientFor(signer: KeyPair, actor = 'alice'): HostClient {
    return createAgentClient({
      privateKey: signer.privateKey,
      publicKey: signer.publicKey.encoded,
      clock: () => clock.now,
      fetch: transport,
      timeoutMs: 5_000,
    }).forHost({ url: AGENT_TEST_URL, agentPublicKey: agentKeys.publicKey.encoded }, actor);
  }

  return { app, clock, controlPlane, agentKeys, stranger, client: clientFor(controlPlane), clientFor };
}
