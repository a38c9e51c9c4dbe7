import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AgentClient, HostClient } from '../../agent/client/agent-client.ts';
import type { KeyPair } from '../../agent/protocol/keys.ts';
import { startAgent, type RunningAgent } from '../../agent/server/start-agent.ts';
import { upsertHost } from '../../db/queries/hosts.ts';
import { agentHostOf } from '../../functions/hosts/host-client.ts';
import type { Host } from '../../db/schema.ts';
import type { TestDatabase } from './database.ts';

export interface TestAgentHost {
  /** The registered host row. */
  host: Host;
  agent: RunningAgent;
  /** A signed client for this host acting as `actor` (default `system`), e.g. to sync it directly. */
  client(actor?: string): HostClient;
  /** Stops the agent and deletes its key directory (the host row stays). */
  close(): Promise<void>;
}

/**
 * A real agent on the local Docker engine, on a free loopback port, trusting
 * the test's control-plane key, registered as host `name` in the test
 * database: what a test app needs to act on real containers and images.
 *
 * @example
 * const { keys, agents } = await testAgentClient();
 * const local = await startTestAgentHost({ db, agents, keys, name: 'local' });
 * const { request } = await createTestApp({ db, agents });
 * afterAll(() => local.close());
 */
export async function startTestAgentHost(options: {
  db: TestDatabase;
  agents: AgentClient;
  keys: KeyPair;
  name: string;
}): Promise<TestAgentHost> {
  const keyDir = await mkdtemp(join(tmpdir(), 'berth-test-agent-'));
  let agent: RunningAgent;
  try {
    agent = await startAgent({
      controlPlanePublicKey: options.keys.publicKey.encoded,
      keyFile: join(keyDir, 'agent.key'),
      listen: { port: 0 },
    });
  } catch (error) {
    await rm(keyDir, { recursive: true, force: true });
    throw error;
  }
  const host = await upsertHost(options.db.db, {
    name: options.name,
    agentUrl: agent.url,
    agentPublicKey: agent.publicKey.encoded,
    createdAt: new Date(),
  });
  return {
    host,
    agent,
    client: (actor = 'system') => options.agents.forHost(agentHostOf(host), actor),
    async close() {
      await agent.close();
      await rm(keyDir, { recursive: true, force: true });
    },
  };
}
