import type { ContainerAction, ContainerSummary } from '../../agent/protocol/messages.ts';
import { formatPorts, shortId } from '../format.ts';
import { UtcTime } from '../utc-time.tsx';

export interface ContainerRowProps {
  hostName: string;
  container: ContainerSummary;
  workspace: string;
}

/** `/containers/:host/:id` with each segment encoded. */
export function containerHref(hostName: string, id: string, suffix = ''): string {
  return `/containers/${encodeURIComponent(hostName)}/${encodeURIComponent(id)}${suffix}`;
}

const ACTION_LABELS: Record<ContainerAction, string> = {
  start: 'Start',
  stop: 'Stop',
  kill: 'Kill',
  restart: 'Restart',
  pause: 'Pause',
  unpause: 'Unpause',
};

/** The actions that make sense in the container's state. */
function actionsFor(state: ContainerSummary['state']): ContainerAction[] {
  if (state === 'running') return ['stop', 'restart', 'pause', 'kill'];
  if (state === 'paused') return ['unpause', 'stop', 'kill'];
  if (state === 'restarting') return ['stop', 'kill'];
  return ['start'];
}

/**
 * One container as a table row. Each action is an htmx button that swaps
 * this row for the server's new version of it (or deletes it on remove);
 * the result lands in the page's message area.
 */
export function ContainerRow({ hostName, container, workspace }: ContainerRowProps) {
  const { id, state } = container;
  const ports = formatPorts(container.ports);
  const running = state === 'running' || state === 'paused' || state === 'restarting';
  const label = container.name || shortId(id);
  return (
    <tr data-container-id={id}>
      <td class="id">
        <a href={containerHref(hostName, id)}>
          <code>{shortId(id)}</code>
        </a>
      </td>
      <td>{container.name}</td>
      <td>{container.image.startsWith('sha256:') ? shortId(container.image) : container.image}</td>
      <td class="command">
        <code>{container.command}</code>
      </td>
      <td>
        <UtcTime at={new Date(container.created * 1000)} />
      </td>
      <td>{container.status}</td>
      <td class="ports">{ports.length ? ports.map((port) => <div>{port}</div>) : '—'}</td>
      <td>{workspace}</td>
      <td>{hostName}</td>
      <td class="actions">
        <div class="row-actions">
          {actionsFor(state).map((action) => (
            <button
              type="button"
              class={action === 'kill' ? 'danger' : undefined}
              hx-post={containerHref(hostName, id, `/${action}`)}
              hx-target="closest tr"
              hx-swap="outerHTML"
              {...(action === 'kill' ? { 'hx-confirm': `Kill ${label}? It gets no chance to shut down cleanly.` } : {})}
            >
              {ACTION_LABELS[action]}
            </button>
          ))}
          <button
            type="button"
            class="danger"
            hx-delete={containerHref(hostName, id, running ? '?force=1' : '')}
            hx-target="closest tr"
            hx-swap="delete"
            hx-confirm={running ? `Force-remove the running container ${label}? It is killed and deleted.` : `Remove ${label}?`}
          >
            {running ? 'Force remove' : 'Remove'}
          </button>
          <a href={`/logs/${encodeURIComponent(hostName)}/${encodeURIComponent(id)}`}>Logs</a>
          <details>
            <summary>Commit</summary>
            <form hx-post={containerHref(hostName, id, '/commit')} hx-swap="none">
              <input name="image" required placeholder="repository:tag" aria-label="New image repository:tag" />
              <button type="submit">Commit</button>
            </form>
          </details>
        </div>
      </td>
    </tr>
  );
}
