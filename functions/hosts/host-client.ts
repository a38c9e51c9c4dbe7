import type { Context } from 'hono';
import type { AgentHost, AgentResult, HostClient } from '../../agent/client/agent-client.ts';
import { listHosts } from '../../db/queries/hosts.ts';
import type { Host } from '../../db/schema.ts';
import type { AppEnv } from '../app-env.ts';
import { recordHostStatus } from './host-status.ts';

/** What the agent client needs of a host record: where, which key, which certificate. */
export function agentHostOf(host: Host): AgentHost {
  return { url: host.agentUrl, agentPublicKey: host.agentPublicKey, tlsFingerprint: host.tlsFingerprint };
}

/** The signed client for one host, acting as the signed-in user (or `system`). */
export function hostClient(c: Context<AppEnv>, host: Host): HostClient {
  const actor = c.get('user')?.username ?? 'system';
  return c.get('agents').forHost(agentHostOf(host), actor);
}

export interface HostAnswer<T> {
  host: Host;
  result: AgentResult<T>;
}

/**
 * Asks every host at once, so a page costs about the slowest agent rather
 * than the sum; each call is bounded by the client's timeout, and a host
 * that fails only affects its own answer. Each answer also updates the
 * host's status (a change of reachability is audited once).
 */
export async function askAllHosts<T>(
  c: Context<AppEnv>,
  ask: (client: HostClient, host: Host) => Promise<AgentResult<T>>,
): Promise<HostAnswer<T>[]> {
  const hosts = await listHosts(c.get('db'));
  return Promise.all(hosts.map((host) => askOneHost(c, host, ask)));
}

/** The same for one host (a page filtered to it): its answer also updates its status. */
export async function askOneHost<T>(
  c: Context<AppEnv>,
  host: Host,
  ask: (client: HostClient, host: Host) => Promise<AgentResult<T>>,
): Promise<HostAnswer<T>> {
  const result = await ask(hostClient(c, host), host);
  await recordHostStatus({ db: c.get('db'), clock: c.get('clock') }, host, result);
  return { host, result };
}
