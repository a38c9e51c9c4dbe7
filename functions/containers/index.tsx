import { Hono, type Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { isContainerId, isImageId } from '../../agent/protocol/container-fields.ts';
import {
  AGENT_PATHS,
  CONTAINER_ACTIONS,
  containerPath,
  type CommitContainerResult,
  type ContainerActionResult,
  type ContainerDetail,
  type ContainerSummary,
} from '../../agent/protocol/messages.ts';
import { claimResource, deleteResource } from '../../db/queries/resources.ts';
import type { Host } from '../../db/schema.ts';
import { ContainerDetailPage } from '../../views/containers/container-detail-page.tsx';
import { ContainerRow } from '../../views/containers/container-row.tsx';
import { ContainersPage } from '../../views/containers/containers-page.tsx';
import { ImageOptions, toImageChoice } from '../../views/containers/create-container-form.tsx';
import { OobNotice } from '../../views/notice.tsx';
import type { AppEnv, CurrentUser } from '../app-env.ts';
import { audit } from '../audit/audit.ts';
import { describeAgentFailure } from '../hosts/agent-failure.ts';
import { hostClient } from '../hosts/host-client.ts';
import { readForm } from '../forms/read-form.ts';
import { workspaceLabels } from '../resources/labels.ts';
import { hostRef, refusalsFor, signedInUser } from '../resources/refusals.ts';
import { ownsWorkspace } from '../resources/visibility.ts';
import { requireHost, requireVisibleResource } from '../resources/require-visible.ts';
import { parseCommitTarget } from './commit-target.ts';
import { parseCreateForm } from './create-form.ts';
import { listVisibleForHostFilter, listVisibleOnHosts } from './visible-containers.ts';

/** Bound on a container action: a stop waits up to Docker's 10 s grace period, a commit copies a layer. */
const ACTION_TIMEOUT_MS = 60_000;

interface ContainerTarget {
  host: Host;
  id: string;
  workspace: string;
  name: string | null;
}

/**
 * The container named by `:host/:id`, once the host exists, the id is a
 * full Docker id and the user may see it; otherwise 4xx, audited under
 * `action`. Called before any agent call.
 */
async function requireContainer(c: Context<AppEnv>, action: string): Promise<ContainerTarget> {
  const host = await requireHost(c, c.req.param('host') ?? '', action);
  const id = c.req.param('id') ?? '';
  if (!isContainerId(id)) {
    const message = `"${id}" is not a container id: Berth names containers by Docker's full 64-character id.`;
    await audit(c, { action, outcome: 'failure', host: hostRef(host), target: { kind: 'container', id: id.slice(0, 128) }, message });
    throw new HTTPException(400, { message });
  }
  const resource = await requireVisibleResource(c, host, 'container', id, action);
  return { host, id, workspace: resource.workspace, name: resource.name };
}

const { deny, failWith, refuseInput } = refusalsFor('container');

/** Berth's labels naming the user as workspace and creator: on every container they create and image they commit. */
function ownerLabels(user: CurrentUser): Record<string, string> {
  return { [workspaceLabels.workspace]: user.username, [workspaceLabels.creator]: user.username };
}

function row(host: Host, container: ContainerSummary, workspace: string) {
  return <ContainerRow hostName={host.name} container={container} workspace={workspace} />;
}

export const containerRoutes = new Hono<AppEnv>()
  .get('/', async (c) => {
    const user = signedInUser(c);
    const { hostFilter: filter, hostNames, listing } = await listVisibleForHostFilter(c);
    const rows = listing.hosts
      .flatMap(({ host, containers }) => containers.map(({ container, workspace }) => ({ hostName: host.name, container, workspace })))
      .sort((a, b) => a.hostName.localeCompare(b.hostName) || b.container.created - a.container.created);
    const formHost = listing.hosts[0] ?? null;
    return c.html(
      <ContainersPage
        user={user}
        hostNames={hostNames}
        hostFilter={filter}
        rows={rows}
        unreachable={listing.unreachable}
        createForm={{
          hostNames: listing.hosts.map(({ host }) => host.name),
          selectedHost: formHost?.host.name ?? null,
          images: (formHost?.images ?? []).map(toImageChoice),
        }}
      />,
    );
  })

  // The create form's image list for the chosen host.
  .get('/image-options', async (c) => {
    const host = await requireHost(c, c.req.query('host') ?? '');
    const listing = await listVisibleOnHosts(c, host);
    if (listing.unreachable.length) throw new HTTPException(503, { message: listing.unreachable.join(' ') });
    return c.html(<ImageOptions images={(listing.hosts[0]?.images ?? []).map(toImageChoice)} />);
  })

  .post('/', async (c) => {
    const user = signedInUser(c);
    const field = await readForm(c);
    const host = await requireHost(c, field('host'), 'container.create');
    const wantedName = field('name').trim() || null;
    const imageId = field('image');
    if (!isImageId(imageId)) return refuseInput(c, 'container.create', host, { name: wantedName }, 'Choose an image from the list.');
    await requireVisibleResource(c, host, 'image', imageId, 'container.create');
    const parsed = parseCreateForm(
      {
        image: imageId,
        command: field('command'),
        name: field('name'),
        env: field('env'),
        ports: field('ports'),
        restart: field('restart'),
      },
      { labels: ownerLabels(user), restricted: user.role !== 'admin' },
    );
    if (!parsed.ok) return refuseInput(c, 'container.create', host, { name: wantedName }, parsed.message);
    const request = parsed.value;

    const client = hostClient(c, host);
    const created = await client.request<ContainerSummary>('POST', AGENT_PATHS.containers, request, { timeoutMs: ACTION_TIMEOUT_MS });
    if (!created.ok) return failWith(c, 'container.create', host, { name: wantedName }, created);
    let container = created.data;
    // Ownership first: the sync must never see this container without its owner.
    await claimResource(c.get('db'), {
      hostId: host.id,
      kind: 'container',
      dockerId: container.id,
      workspace: user.username,
      origin: 'platform',
      createdBy: user.username,
      name: container.name,
      createdAt: new Date(c.get('clock')()),
    });
    // One record for the request: the create, and the start when it was asked for.
    let notice = { kind: 'success' as 'success' | 'error', message: `Created ${container.name}.` };
    let start: { ok: boolean; message: string } | null = null;
    if (field('start') === '1') {
      const started = await client.request<ContainerActionResult>('POST', containerPath(container.id, 'start'), undefined, { timeoutMs: ACTION_TIMEOUT_MS });
      start = { ok: started.ok, message: started.ok ? started.data.message : describeAgentFailure(host, started).message };
      if (started.ok && started.data.container) container = started.data.container;
      notice = started.ok
        ? { kind: 'success', message: `Created and started ${container.name}.` }
        : { kind: 'error', message: `Created ${container.name}, but it did not start: ${start.message}` };
    }
    await audit(c, {
      action: 'container.create',
      outcome: start && !start.ok ? 'failure' : 'success',
      host: hostRef(host),
      target: { kind: 'container', id: container.id, name: container.name },
      message: `${notice.message} Image ${container.image}.`,
      // Env values may be secrets: only the names are recorded.
      detail: {
        image: imageId,
        cmd: request.cmd,
        envNames: request.env.map((entry) => entry.split('=', 1)[0]),
        ports: request.ports,
        restartPolicy: request.restartPolicy,
        restricted: request.restricted,
        ...(start ? { start } : {}),
      },
    });
    return c.html(
      <>
        {row(host, container, user.username)}
        <OobNotice {...notice} />
      </>,
      201,
    );
  })

  .get('/:host/:id', async (c) => {
    const user = signedInUser(c);
    const target = await requireContainer(c, 'container.inspect');
    const result = await hostClient(c, target.host).request<ContainerDetail>('GET', containerPath(target.id));
    if (!result.ok) return failWith(c, 'container.inspect', target.host, target, result);
    await audit(c, {
      action: 'container.inspect',
      outcome: 'success',
      host: hostRef(target.host),
      target: { kind: 'container', id: target.id, name: result.data.name },
      message: 'Viewed the container details.',
    });
    return c.html(
      <ContainerDetailPage
        user={user}
        hostName={target.host.name}
        workspace={target.workspace}
        detail={result.data}
        showEnvValues={ownsWorkspace(user, target.workspace)}
      />,
    );
  })

  .delete('/:host/:id', async (c) => {
    const target = await requireContainer(c, 'container.remove');
    const force = c.req.query('force') === '1';
    const path = `${containerPath(target.id)}${force ? '?force=1' : ''}`;
    const result = await hostClient(c, target.host).request<ContainerActionResult>('DELETE', path, undefined, { timeoutMs: ACTION_TIMEOUT_MS });
    if (!result.ok) return failWith(c, 'container.remove', target.host, target, result);
    await deleteResource(c.get('db'), target.host.id, 'container', target.id);
    await audit(c, {
      action: 'container.remove',
      outcome: 'success',
      host: hostRef(target.host),
      target: { kind: 'container', id: target.id, name: target.name },
      message: result.data.message,
      detail: { force },
    });
    // The button swaps its row away (hx-swap="delete"); only the message is sent.
    return c.html(<OobNotice kind="success" message={`${target.name ?? target.id.slice(0, 12)}: ${result.data.message}`} />);
  })

  .post('/:host/:id/commit', async (c) => {
    const user = signedInUser(c);
    const target = await requireContainer(c, 'container.commit');
    if (!ownsWorkspace(user, target.workspace)) {
      // An image keeps the container's environment, whose values only its owner and admins may read.
      const message = `Only an administrator can commit a ${target.workspace} container: the image would keep its environment values.`;
      return deny(c, 'container.commit', target.host, target, message);
    }
    const field = await readForm(c);
    const commitTarget = parseCommitTarget(field('image'));
    if (!commitTarget.ok) return refuseInput(c, 'container.commit', target.host, target, commitTarget.message);
    const { repository, tag } = commitTarget.value;
    const result = await hostClient(c, target.host).request<CommitContainerResult>(
      'POST',
      containerPath(target.id, 'commit'),
      { repository, tag, labels: ownerLabels(user) },
      { timeoutMs: ACTION_TIMEOUT_MS },
    );
    if (!result.ok) return failWith(c, 'container.commit', target.host, target, result);
    const { imageId, reference } = result.data;
    await claimResource(c.get('db'), {
      hostId: target.host.id,
      kind: 'image',
      dockerId: imageId,
      workspace: user.username,
      origin: 'platform',
      createdBy: user.username,
      name: reference,
      createdAt: new Date(c.get('clock')()),
    });
    await audit(c, {
      action: 'container.commit',
      outcome: 'success',
      host: hostRef(target.host),
      target: { kind: 'container', id: target.id, name: target.name },
      message: `Committed to ${reference}.`,
      detail: { image: reference, imageId },
    });
    return c.html(<OobNotice kind="success" message={`Committed ${target.name ?? target.id.slice(0, 12)} to ${reference} (image ${imageId.slice(7, 19)}).`} />);
  });

// One route per action (not `/:action`), so the app's route list names each state-changing endpoint.
for (const action of CONTAINER_ACTIONS) {
  containerRoutes.post(`/:host/:id/${action}`, async (c) => {
    const auditAction = `container.${action}`;
    const target = await requireContainer(c, auditAction);
    const result = await hostClient(c, target.host).request<ContainerActionResult>('POST', containerPath(target.id, action), undefined, {
      timeoutMs: ACTION_TIMEOUT_MS,
    });
    if (!result.ok) return failWith(c, auditAction, target.host, target, result);
    const { changed, message, container } = result.data;
    await audit(c, {
      action: auditAction,
      outcome: 'success',
      host: hostRef(target.host),
      target: { kind: 'container', id: target.id, name: container?.name ?? target.name },
      message,
      detail: { changed },
    });
    const notice = <OobNotice kind={changed ? 'success' : 'info'} message={`${container?.name ?? target.name ?? target.id.slice(0, 12)}: ${message}`} />;
    return c.html(
      <>
        {container && row(target.host, container, target.workspace)}
        {notice}
      </>,
    );
  });
}
