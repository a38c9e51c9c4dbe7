import type { Context } from 'hono';
import type { ContainerSummary } from '../../agent/protocol/messages.ts';
import { listResources } from '../../db/queries/resources.ts';
import type { Host } from '../../db/schema.ts';
import type { AppEnv } from '../app-env.ts';
import { askAllHosts } from '../hosts/host-client.ts';
import { canAccessWorkspace } from '../resources/visibility.ts';
import { fetchAndReconcile } from '../sync/reconcile.ts';

export interface VisibleContainer {
  host: Host;
  container: ContainerSummary;
}

export interface VisibleContainers {
  containers: VisibleContainer[];
  /** Hosts that did not answer, with why: the rest of the page still works. */
  unreachable: { host: Host; message: string }[];
}

/**
 * Every container the signed-in user may see, on every host, listed live
 * through the agents (and reconciled, so outside changes are recorded first).
 */
export async function listVisibleContainers(c: Context<AppEnv>): Promise<VisibleContainers> {
  const user = c.get('user');
  const db = c.get('db');
  const answers = await askAllHosts(c, (client, host) => fetchAndReconcile({ db, clock: c.get('clock') }, host, client));
  const result: VisibleContainers = { containers: [], unreachable: [] };
  for (const { host, result: answer } of answers) {
    if (!answer.ok) {
      result.unreachable.push({ host, message: answer.message });
      continue;
    }
    const workspaces = new Map((await listResources(db, host.id, 'container')).map((row) => [row.dockerId, row.workspace]));
    for (const container of answer.data.containers) {
      const workspace = workspaces.get(container.id);
      if (user && workspace !== undefined && canAccessWorkspace(user, workspace)) result.containers.push({ host, container });
    }
  }
  return result;
}
