import { Hono, type Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { streamSSE } from 'hono/streaming';
import { formatImageReference, parseImageReference, parseTagReference } from '../../agent/protocol/image-reference.ts';
import {
  AGENT_PATHS,
  imagePath,
  imageTagPath,
  pullPath,
  type ImageDetail,
  type PullFrame,
  type PullStarted,
  type RemoveImageResult,
  type TagImageResult,
} from '../../agent/protocol/messages.ts';
import { createNdjsonParser } from '../../agent/protocol/ndjson.ts';
import { listHosts } from '../../db/queries/hosts.ts';
import { deleteResource } from '../../db/queries/resources.ts';
import type { Host } from '../../db/schema.ts';
import { ImageRow } from '../../views/images/image-row.tsx';
import { ImagesPage } from '../../views/images/images-page.tsx';
import { PullPanel, PullProgress } from '../../views/images/pull-panel.tsx';
import { OobNotice } from '../../views/notice.tsx';
import { shortId } from '../../views/format.ts';
import type { AppEnv } from '../app-env.ts';
import { audit } from '../audit/audit.ts';
import { readForm } from '../forms/read-form.ts';
import { describeAgentFailure } from '../hosts/agent-failure.ts';
import { hostClient } from '../hosts/host-client.ts';
import { hostRef, refusalsFor, signedInUser } from '../resources/refusals.ts';
import { requireHost, requireVisibleResource } from '../resources/require-visible.ts';
import { recordPullOutcome } from './pull-outcome.ts';
import { applyPullFrame, pullViewOf, type PullView } from './pull-view.ts';
import { canWatchPull, listVisibleImages } from './visible-images.ts';

/** Bound on an image removal or tag: removing a large image deletes many layers. */
const ACTION_TIMEOUT_MS = 60_000;
const PULL_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface ImageTarget {
  host: Host;
  id: string;
  workspace: string;
  name: string | null;
}

/**
 * The image named by `:host/:id`, once the host exists and the user may see
 * the image (an id that is not a full image id names nothing); otherwise
 * 404, audited under `action`. Called before any agent call.
 */
async function requireImage(c: Context<AppEnv>, action: string): Promise<ImageTarget> {
  const host = await requireHost(c, c.req.param('host') ?? '', action);
  const id = (c.req.param('id') ?? '').slice(0, 128);
  const resource = await requireVisibleResource(c, host, 'image', id, action);
  return { host, id, workspace: resource.workspace, name: resource.name };
}

const { failWith, refuseInput } = refusalsFor('image');

/** A DELETE's form field: htmx sends a DELETE form in the query string; a body is read too. */
async function deleteField(c: Context<AppEnv>, name: string): Promise<string> {
  return c.req.query(name) ?? (await readForm(c))(name);
}

/** The image as it is now, as a row; null if the agent cannot say (the row on the page then stays as it was). */
async function currentRow(c: Context<AppEnv>, target: ImageTarget) {
  const result = await hostClient(c, target.host).request<ImageDetail>('GET', imagePath(target.id));
  return result.ok ? <ImageRow hostName={target.host.name} image={result.data} workspace={target.workspace} /> : null;
}

async function html(element: { toString(): string | Promise<string> }): Promise<string> {
  return String(await element.toString());
}

function removalMessage(label: string, { untagged, deleted }: RemoveImageResult): string {
  const parts = [
    untagged.length ? `untagged ${untagged.join(', ')}` : '',
    deleted.length ? `deleted ${deleted.map(shortId).join(', ')}` : '',
  ].filter(Boolean);
  return `${label}: ${parts.join('; ') || 'nothing to remove'}.`;
}

export const imageRoutes = new Hono<AppEnv>()
  .get('/', async (c) => {
    const user = signedInUser(c);
    const filter = c.req.query('host') || null;
    const onlyHost = filter ? await requireHost(c, filter) : null;
    const [allHosts, listing] = await Promise.all([listHosts(c.get('db')), listVisibleImages(c, user, onlyHost)]);
    const rows = listing.images
      .map(({ host, image, workspace }) => ({ hostName: host.name, image, workspace }))
      .sort((a, b) => a.hostName.localeCompare(b.hostName) || b.image.created - a.image.created);
    return c.html(
      <ImagesPage
        user={user}
        hostNames={allHosts.map((host) => host.name)}
        hostFilter={filter}
        rows={rows}
        pulls={listing.pulls.map(({ host, pull }) => pullViewOf(host.name, pull))}
        unreachable={listing.unreachable}
      />,
    );
  })

  // Starts a pull on the agent and answers with its live panel; the outcome is recorded in the background.
  .post('/pull', async (c) => {
    const user = signedInUser(c);
    const field = await readForm(c);
    const host = await requireHost(c, field('host'), 'image.pull');
    const typed = field('reference').trim();
    const parsed = parseImageReference(typed);
    if (!parsed.ok) return refuseInput(c, 'image.pull', host, { name: typed.slice(0, 255) || null }, parsed.message);
    const reference = formatImageReference(parsed.reference);
    const client = hostClient(c, host);
    const started = await client.request<PullStarted>('POST', AGENT_PATHS.pulls, { reference });
    if (!started.ok) return failWith(c, 'image.pull', host, { name: reference }, started);
    c.get('runInBackground')(
      recordPullOutcome(
        { db: c.get('db'), clock: c.get('clock'), logger: c.get('logger') },
        { actor: { type: 'user', id: user.id, name: user.username }, clientIp: c.get('clientAddress'), requestId: c.get('requestId') },
        host,
        client,
        started.data,
      ),
    );
    const view: PullView = {
      hostName: host.name,
      pullId: started.data.pullId,
      reference: started.data.reference,
      state: 'running',
      message: 'Starting the pull…',
      imageId: null,
      layers: [],
    };
    return c.html(<PullPanel view={view} />);
  })

  // The pull's progress as SSE: one unnamed message (the panel's new content) per change, `pulled` on success, then `close`.
  .get('/pulls/:host/:pullId/events', async (c) => {
    const user = signedInUser(c);
    const host = await requireHost(c, c.req.param('host'));
    const pullId = c.req.param('pullId');
    const noSuchPull = new HTTPException(404, { message: `No such pull on ${host.name}.` });
    if (!PULL_ID.test(pullId)) throw noSuchPull;
    const opened = await hostClient(c, host).stream('GET', pullPath(pullId));
    if (!opened.ok) {
      if (opened.kind === 'rejected' && opened.status === 404) throw noSuchPull;
      const { status, message } = describeAgentFailure(host, opened);
      throw new HTTPException(status, { message });
    }
    const reader = opened.data.pipeThrough(createNdjsonParser()).getReader();
    const first = (await reader.read()).value as PullFrame | undefined;
    if (first?.type !== 'pull' || !canWatchPull(user, first.pull)) {
      await reader.cancel().catch(() => {});
      await audit(c, {
        action: 'image.pull.watch',
        outcome: 'denied',
        host: hostRef(host),
        target: { kind: 'pull', id: pullId, name: first?.type === 'pull' ? first.pull.reference : null },
        message: 'The pull was started by another user.',
      });
      throw noSuchPull;
    }
    return streamSSE(c, async (sse) => {
      sse.onAbort(() => reader.cancel().catch(() => {}));
      let view = pullViewOf(host.name, first.pull);
      let ended = false;
      await sse.writeSSE({ data: await html(<PullProgress view={view} />) });
      try {
        // A finished pull is replayed too (its first frame already says done): read up to the final frame.
        while (!ended && !sse.aborted) {
          const next = await reader.read();
          if (next.done) break;
          const frame = next.value as PullFrame;
          view = applyPullFrame(view, frame);
          ended = frame.type === 'done' || frame.type === 'error';
          await sse.writeSSE({ data: await html(<PullProgress view={view} />) });
        }
      } catch (error) {
        view = { ...view, message: `The connection to the agent was lost (${(error as Error).message}); reload the page to watch the pull again.` };
      }
      if (sse.aborted) return;
      if (!ended) {
        await sse.writeSSE({ data: await html(<PullProgress view={{ ...view, message: 'The agent stopped sending progress; reload the page to watch the pull again.' }} />) });
      }
      if (view.state === 'done') await sse.writeSSE({ event: 'pulled', data: view.pullId });
      await sse.writeSSE({ event: 'close', data: view.state });
      await reader.cancel().catch(() => {});
    });
  })

  // Remove in one of the four modes: force × prune (untagged parents).
  .delete('/:host/:id', async (c) => {
    const target = await requireImage(c, 'image.remove');
    const force = (await deleteField(c, 'force')) === '1';
    const prune = (await deleteField(c, 'prune')) === '1';
    const path = `${imagePath(target.id)}?force=${force ? 1 : 0}&noprune=${prune ? 0 : 1}`;
    const result = await hostClient(c, target.host).request<RemoveImageResult>('DELETE', path, undefined, { timeoutMs: ACTION_TIMEOUT_MS });
    if (!result.ok) return failWith(c, 'image.remove', target.host, target, result);
    for (const id of result.data.deleted) await deleteResource(c.get('db'), target.host.id, 'image', id);
    const message = removalMessage(target.name ?? shortId(target.id), result.data);
    await audit(c, {
      action: 'image.remove',
      outcome: 'success',
      host: hostRef(target.host),
      target: { kind: 'image', id: target.id, name: target.name },
      message,
      detail: { force, prune, ...result.data },
    });
    // The form swaps its row away (hx-swap="delete"); only the message is sent.
    return c.html(<OobNotice kind="success" message={`Removed ${message}`} />);
  })

  .post('/:host/:id/tags', async (c) => {
    const target = await requireImage(c, 'image.tag');
    const typed = (await readForm(c))('tag').trim();
    const parsed = parseTagReference(typed);
    if (!parsed.ok) return refuseInput(c, 'image.tag', target.host, { id: target.id, name: target.name }, parsed.message);
    const reference = formatImageReference(parsed.reference);
    const result = await hostClient(c, target.host).request<TagImageResult>('POST', imagePath(target.id, 'tag'), { reference }, { timeoutMs: ACTION_TIMEOUT_MS });
    if (!result.ok) return failWith(c, 'image.tag', target.host, target, result);
    await audit(c, {
      action: 'image.tag',
      outcome: 'success',
      host: hostRef(target.host),
      target: { kind: 'image', id: target.id, name: target.name },
      message: `Tagged ${shortId(target.id)} as ${result.data.reference}.`,
      detail: { tag: result.data.reference },
    });
    return c.html(
      <>
        {await currentRow(c, target)}
        <OobNotice kind="success" message={`Tagged ${shortId(target.id)} as ${result.data.reference}.`} />
      </>,
    );
  })

  .delete('/:host/:id/tags', async (c) => {
    const target = await requireImage(c, 'image.untag');
    const typed = (await deleteField(c, 'tag')).trim();
    const parsed = parseTagReference(typed);
    if (!parsed.ok) return refuseInput(c, 'image.untag', target.host, { id: target.id, name: target.name }, parsed.message);
    const reference = formatImageReference(parsed.reference);
    const result = await hostClient(c, target.host).request<RemoveImageResult>('DELETE', imageTagPath(reference, target.id), undefined, {
      timeoutMs: ACTION_TIMEOUT_MS,
    });
    if (!result.ok) return failWith(c, 'image.untag', target.host, { id: target.id, name: reference }, result);
    for (const id of result.data.deleted) await deleteResource(c.get('db'), target.host.id, 'image', id);
    const message = removalMessage(reference, result.data);
    await audit(c, {
      action: 'image.untag',
      outcome: 'success',
      host: hostRef(target.host),
      target: { kind: 'image', id: target.id, name: reference },
      message,
      detail: { tag: reference, ...result.data },
    });
    const notice = <OobNotice kind="success" message={`Removed the tag ${message}`} />;
    // Docker deletes the image with its last tag: then the row goes.
    if (result.data.deleted.includes(target.id)) {
      c.header('HX-Reswap', 'delete');
      return c.html(notice);
    }
    return c.html(
      <>
        {await currentRow(c, target)}
        {notice}
      </>,
    );
  });
