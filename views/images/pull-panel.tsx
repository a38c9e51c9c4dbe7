import type { PullLayer } from '../../agent/protocol/messages.ts';
import type { PullView } from '../../functions/images/pull-view.ts';
import { formatBytes } from '../format-bytes.ts';
import { shortId } from '../format.ts';

/** `/images/pulls/:host/:pullId/events`: the SSE stream a panel listens to. */
export function pullEventsHref(hostName: string, pullId: string): string {
  return `/images/pulls/${encodeURIComponent(hostName)}/${encodeURIComponent(pullId)}/events`;
}

/**
 * How far along a layer is, 0 to 1: downloading is the first half, extracting
 * the second, as Docker reports them.
 */
export function layerFraction(layer: PullLayer): number {
  const part = layer.total ? Math.min(1, (layer.current ?? 0) / layer.total) : 0;
  switch (layer.status) {
    case 'Already exists':
    case 'Pull complete':
      return 1;
    case 'Downloading':
      return part / 2;
    case 'Verifying Checksum':
    case 'Download complete':
      return 0.5;
    case 'Extracting':
      return 0.5 + part / 2;
    default:
      return 0;
  }
}

/** The whole pull in percent: the mean of its layers, 100 once done. */
export function overallPercent(view: PullView): number {
  if (view.state === 'done') return 100;
  if (view.layers.length === 0) return 0;
  const sum = view.layers.reduce((total, layer) => total + layerFraction(layer), 0);
  return Math.floor((sum / view.layers.length) * 100);
}

const STATE_LABEL = { running: 'Pulling', done: 'Pulled', error: 'Pull failed:' } as const;

/** What a pull panel shows; each SSE message replaces it with the newer state. */
export function PullProgress({ view }: { view: PullView }) {
  const percent = overallPercent(view);
  return (
    <>
      <header>
        <strong>
          {STATE_LABEL[view.state]} {view.reference}
        </strong>{' '}
        <small>on {view.hostName}</small>
      </header>
      <label>
        Overall <span data-testid="pull-percent">{percent}%</span>
        <progress value={String(percent)} max="100" data-pull-state={view.state} />
      </label>
      <p class={view.state === 'error' ? 'notice notice-error' : view.state === 'done' ? 'notice notice-success' : undefined} role="status">
        {view.message}
        {view.imageId && <> (image {shortId(view.imageId)})</>}
      </p>
      {view.layers.length > 0 && (
        <ul class="pull-layers">
          {view.layers.map((layer) => (
            <li>
              <code>{layer.id}</code> {layer.status}
              {layer.total ? ` ${formatBytes(layer.current ?? 0)} / ${formatBytes(layer.total)}` : ''}
              <progress value={String(Math.round(layerFraction(layer) * 100))} max="100" />
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

/**
 * One pull on the images page. While it runs, the panel listens to the
 * pull's SSE stream (htmx SSE extension): every unnamed message replaces its
 * content, `pulled` refreshes the image list, `close` ends the stream.
 */
export function PullPanel({ view }: { view: PullView }) {
  const live = view.state === 'running' ? { 'hx-sse:connect': pullEventsHref(view.hostName, view.pullId), 'hx-sse:close': 'close' } : {};
  return (
    <article class="pull" id={`pull-${view.pullId}`} data-pull-id={view.pullId} {...live}>
      <PullProgress view={view} />
    </article>
  );
}
