import type { Context } from 'hono';
import type { HostSnapshot } from '../sync/reconcile.ts';
import { fetchAndReconcile } from '../sync/reconcile.ts';
import { listResources } from '../../db/queries/resources.ts';
import type { Host } from '../../db/schema.ts';
import type { ContainerSummary, ImageSummary } from '../../agent/protocol/messages.ts';
import type { AppEnv } from '../app-env.ts';
import { listHosts } from '../../db/queries/hosts.ts';
import { askAllHosts, askOneHost, type HostAnswer } from '../hosts/host-client.ts';
import { hostFailureMessage } from '../hosts/host-status.ts';
import { requireHost } from '../resources/require-visible.ts';
import { canAccessWorkspace } from '../resources/visibility.ts';

export interface VisibleOnHost {
  host: Host;
  containers: { container: ContainerSummary; workspace: string }[];
  images: ImageSummary[];
}

/**
 * What the signed-in user may see on each host (or only `onlyHost`), read
 * through the agents and reconciled first, so the page matches the host.
 * Objects without an ownership row are left out: visibility fails closed.
 * A host that does not answer is reported, not fatal.
 */
export async function listVisibleOnHosts(
  c: Context<AppEnv>,
  onlyHost: Host | null,
): Promise<{ hosts: VisibleOnHost[]; unreachable: string[] }> {
  const deps = { db: c.get('db'), clock: c.get('clock') };
  const answers: HostAnswer<HostSnapshot>[] = onlyHost
    ? [await askOneHost(c, onlyHost, (client, host) => fetchAndReconcile(deps, host, client))]
    : await askAllHosts(c, (client, host) => fetchAndReconcile(deps, host, client));
  const hosts: VisibleOnHost[] = [];
  const unreachable: string[] = [];
  for (const { host, result } of answers) {
    if (!result.ok) {
      unreachable.push(hostFailureMessage(host.name, result));
      continue;
    }
    hosts.push(await visibleOnHost(c, host, result.data));
  }
  return { hosts, unreachable };
}

/**
 * The listing behind a page with a `?host=` filter: the filter as given (an
 * unknown host is a 404), every host's name for its options, and what the
 * user may see on the chosen host, or on all of them.
 */
export async function listVisibleForHostFilter(c: Context<AppEnv>) {
  const hostFilter = c.req.query('host') || null;
  const onlyHost = hostFilter ? await requireHost(c, hostFilter) : null;
  const [allHosts, listing] = await Promise.all([listHosts(c.get('db')), listVisibleOnHosts(c, onlyHost)]);
  return { hostFilter, hostNames: allHosts.map((host) => host.name), listing };
}

async function visibleOnHost(c: Context<AppEnv>, host: Host, snapshot: HostSnapshot): Promise<VisibleOnHost> {
  const user = c.get('user');
  const workspaces = new Map((await listResources(c.get('db'), host.id)).map((row) => [`${row.kind}:${row.dockerId}`, row.workspace]));
  const visible = (kind: 'container' | 'image', id: string): string | null => {
    const workspace = workspaces.get(`${kind}:${id}`);
    return workspace !== undefined && user && canAccessWorkspace(user, workspace) ? workspace : null;
  };
  return {
    host,
    containers: snapshot.containers.flatMap((container) => {
      const workspace = visible('container', container.id);
      return workspace === null ? [] : [{ container, workspace }];
    }),
    images: snapshot.images.filter((image) => visible('image', image.id) !== null),
  };
}
