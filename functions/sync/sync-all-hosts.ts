import type { AgentClient } from '../../agent/client/agent-client.ts';
import type { Database } from '../../db/client.ts';
import { listHosts } from '../../db/queries/hosts.ts';
import type { Clock, Logger } from '../app-env.ts';
import { agentHostOf } from '../hosts/host-client.ts';
import { recordHostStatus } from '../hosts/host-status.ts';
import { fetchAndReconcile } from './reconcile.ts';

export interface SyncDeps {
  db: Database;
  agents: AgentClient;
  clock: Clock;
  logger: Logger;
}

/**
 * One pass of the background sync over every host, in parallel. A host that
 * does not answer is skipped this time (its rows stay as they were); each
 * host's status follows its answer.
 */
export async function syncAllHosts(deps: SyncDeps): Promise<void> {
  const hosts = await listHosts(deps.db);
  await Promise.all(
    hosts.map(async (host) => {
      const client = deps.agents.forHost(agentHostOf(host), 'system');
      try {
        const result = await fetchAndReconcile(deps, host, client);
        await recordHostStatus(deps, host, result);
        if (!result.ok) deps.logger.info('sync: host skipped', { host: host.name, kind: result.kind, message: result.message });
      } catch (err) {
        deps.logger.error('sync: host failed', { host: host.name, error: String(err) });
      }
    }),
  );
}

/** Runs the sync every `intervalMs`, never two passes at once in this process. */
export function startSyncTimer(deps: SyncDeps, intervalMs: number): { stop(): Promise<void> } {
  let running: Promise<void> | null = null;
  const timer = setInterval(() => {
    if (running) return;
    running = syncAllHosts(deps).finally(() => {
      running = null;
    });
  }, intervalMs);
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
