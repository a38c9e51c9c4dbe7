import type { AgentResult, HostClient } from '../../agent/client/agent-client.ts';
import type { ContainerSummary, ImageSummary } from '../../agent/protocol/messages.ts';
import type { Database } from '../../db/client.ts';
import { syncHostResources, type HostObject, type SyncChange, type SyncResult } from '../../db/queries/host-sync.ts';
import type { Host } from '../../db/schema.ts';
import type { Clock } from '../app-env.ts';
import { recordAudit } from '../audit/audit.ts';
import { BERTH_WORKSPACE } from '../../db/workspaces.ts';
import { embeddedDatabaseLabel, workspaceLabels } from '../resources/labels.ts';

function changeMessage(change: SyncChange): string {
  const thing = `${change.kind === 'image' ? 'An' : 'A'} ${change.kind}`;
  switch (change.change) {
    case 'adopted':
      return `${thing} carrying Berth's labels for workspace ${change.workspace} was adopted into it.`;
    case 'unclaimed':
      return `${thing} labelled for workspace ${change.labelledWorkspace}, which no user held when it was made, is in the external workspace (admins only).`;
    case 'appeared':
      return `${thing} made outside Berth appeared; it is in the external workspace (admins only).`;
    case 'disappeared':
      return `The ${change.kind} was removed outside Berth.`;
  }
}

export interface HostSnapshot {
  containers: ContainerSummary[];
  images: ImageSummary[];
}

/** Berth's own database: never a user's to see, stop or read (its env holds the root password). */
function isEmbeddedDatabase(container: ContainerSummary): boolean {
  return container.labels[embeddedDatabaseLabel.name] === embeddedDatabaseLabel.value;
}

function toHostObjects({ containers, images }: HostSnapshot): HostObject[] {
  return [
    ...containers.map((c) => ({
      kind: 'container' as const,
      dockerId: c.id,
      name: c.name,
      labelledWorkspace: c.labels[workspaceLabels.workspace] ?? (isEmbeddedDatabase(c) ? BERTH_WORKSPACE : null),
      labelledCreator: c.labels[workspaceLabels.creator] ?? null,
      created: c.created,
    })),
    ...images.map((i) => ({
      kind: 'image' as const,
      dockerId: i.id,
      name: i.repoTags[0] ?? null,
      labelledWorkspace: i.labels[workspaceLabels.workspace] ?? null,
      labelledCreator: i.labels[workspaceLabels.creator] ?? null,
      created: i.created,
    })),
  ];
}

/**
 * Reconciles one host from a snapshot of it: ownership rows follow the host,
 * and each change is audited once: outside changes with actor `external`,
 * adoptions (an object carrying Berth's labels that Berth had no row for)
 * with actor `system`. Idempotent; safe when several instances run it at once.
 */
export async function reconcileHost(deps: { db: Database; clock: Clock }, host: Host, snapshot: HostSnapshot): Promise<SyncResult> {
  const result = await syncHostResources(deps.db, host.id, toHostObjects(snapshot), new Date(deps.clock()));
  const where = { id: host.id, name: host.name };
  if (result.firstSync) {
    // Labelled objects (adopted or unclaimed) are not among the public ones.
    const labelled = (kind: string) => result.changes.filter((change) => change.kind === kind).length;
    const containers = snapshot.containers.length - labelled('container');
    const images = snapshot.images.length - labelled('image');
    await recordAudit(deps, {
      actor: { type: 'system' },
      action: 'host.first-sync',
      outcome: 'success',
      host: where,
      message: `First sync of ${host.name}: ${containers} containers and ${images} images are public.`,
    });
  }
  for (const change of result.changes) {
    const bySystem = change.change === 'adopted' || change.change === 'unclaimed';
    await recordAudit(deps, {
      actor: { type: bySystem ? 'system' : 'external' },
      action: `${change.kind}.${change.change}`,
      outcome: 'success',
      host: where,
      target: { kind: change.kind, id: change.dockerId, name: change.name },
      message: changeMessage(change),
      detail: { workspace: change.workspace, ...(change.labelledWorkspace ? { labelledWorkspace: change.labelledWorkspace } : {}) },
    });
  }
  return result;
}

/** Lists a host through its agent and reconciles it; the snapshot is returned for the caller's page. */
export async function fetchAndReconcile(
  deps: { db: Database; clock: Clock },
  host: Host,
  client: HostClient,
): Promise<AgentResult<HostSnapshot>> {
  const [containers, images] = await Promise.all([client.listContainers(), client.listImages()]);
  if (!containers.ok) return containers;
  if (!images.ok) return images;
  const snapshot = { containers: containers.data, images: images.data };
  await reconcileHost(deps, host, snapshot);
  return { ok: true, data: snapshot };
}
