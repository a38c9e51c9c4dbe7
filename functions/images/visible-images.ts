import type { Context } from 'hono';
import type { AgentResult, HostClient } from '../../agent/client/agent-client.ts';
import { AGENT_PATHS, type ImageSummary, type PullSummary } from '../../agent/protocol/messages.ts';
import { listResources } from '../../db/queries/resources.ts';
import type { Host } from '../../db/schema.ts';
import type { AppEnv, CurrentUser } from '../app-env.ts';
import { askAllHosts, askOneHost, type HostAnswer } from '../hosts/host-client.ts';
import { hostFailureMessage } from '../hosts/host-status.ts';
import { canAccessWorkspace } from '../resources/visibility.ts';
import { fetchAndReconcile } from '../sync/reconcile.ts';

export interface VisibleImage {
  host: Host;
  image: ImageSummary;
  workspace: string;
}

export interface VisiblePull {
  host: Host;
  pull: PullSummary;
}

interface HostImages {
  images: ImageSummary[];
  pulls: PullSummary[];
}

/** A user watches the pulls they started; an admin every pull. */
export function canWatchPull(user: CurrentUser, pull: PullSummary): boolean {
  return user.role === 'admin' || pull.actor === user.username;
}

/**
 * The images the signed-in user may see on each host (or only `onlyHost`),
 * read through the agents and reconciled first so the page matches the host,
 * plus the pulls still running there that the user may watch. Images without
 * an ownership row are left out: visibility fails closed. A host that does
 * not answer is reported, not fatal.
 */
export async function listVisibleImages(
  c: Context<AppEnv>,
  user: CurrentUser,
  onlyHost: Host | null,
): Promise<{ images: VisibleImage[]; pulls: VisiblePull[]; unreachable: string[] }> {
  const deps = { db: c.get('db'), clock: c.get('clock') };
  const ask = async (client: HostClient, host: Host): Promise<AgentResult<HostImages>> => {
    const [snapshot, pulls] = await Promise.all([
      fetchAndReconcile(deps, host, client),
      client.request<PullSummary[]>('GET', AGENT_PATHS.pulls),
    ]);
    if (!snapshot.ok) return snapshot;
    // The pull list is a convenience: without it the images still show.
    return { ok: true, data: { images: snapshot.data.images, pulls: pulls.ok ? pulls.data : [] } };
  };
  const answers: HostAnswer<HostImages>[] = onlyHost ? [await askOneHost(c, onlyHost, ask)] : await askAllHosts(c, ask);

  const images: VisibleImage[] = [];
  const pulls: VisiblePull[] = [];
  const unreachable: string[] = [];
  for (const { host, result } of answers) {
    if (!result.ok) {
      unreachable.push(hostFailureMessage(host.name, result));
      continue;
    }
    const workspaces = new Map((await listResources(deps.db, host.id, 'image')).map((row) => [row.dockerId, row.workspace]));
    for (const image of result.data.images) {
      const workspace = workspaces.get(image.id);
      if (workspace !== undefined && canAccessWorkspace(user, workspace)) images.push({ host, image, workspace });
    }
    for (const pull of result.data.pulls) {
      if (pull.state === 'running' && canWatchPull(user, pull)) pulls.push({ host, pull });
    }
  }
  return { images, pulls, unreachable };
}
