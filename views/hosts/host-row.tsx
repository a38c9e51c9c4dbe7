import { UtcTime } from '../utc-time.tsx';

export type HostRowStatus = 'up' | 'down' | 'unverified';

export interface HostRowProps {
  name: string;
  agentUrl: string;
  /** The agent's TLS certificate is pinned by its fingerprint. */
  tlsPinned: boolean;
  status: HostRowStatus;
  /** Why the host is not up, naming the host ("Host x is unreachable: …"). */
  problem: string | null;
  lastSeenAt: Date | null;
  /** From the agent's answer; null when it did not answer. */
  docker: { version: string; containers: number; images: number } | null;
}

const statusLabels: Record<HostRowStatus, string> = {
  up: 'up',
  down: 'down',
  unverified: 'failing verification',
};

/** One enrolled host: status, last seen, Docker version and counts, rename and remove. */
export function HostRow({ name, agentUrl, tlsPinned, status, problem, lastSeenAt, docker }: HostRowProps) {
  const path = `/hosts/${encodeURIComponent(name)}`;
  return (
    <tr data-host={name}>
      <td>
        <strong>{name}</strong>
        <br />
        <small>
          <code>{agentUrl}</code>
          {tlsPinned && ' · TLS certificate pinned'}
        </small>
      </td>
      <td>
        <span class={`host-status host-status-${status}`} data-status={status}>
          {statusLabels[status]}
        </span>
        {problem && (
          <>
            <br />
            <small>{problem}</small>
          </>
        )}
      </td>
      <td>{lastSeenAt ? <UtcTime at={lastSeenAt} /> : 'never'}</td>
      <td>{docker?.version ?? '–'}</td>
      <td>{docker ? String(docker.containers) : '–'}</td>
      <td>{docker ? String(docker.images) : '–'}</td>
      <td>
        <form hx-post={`${path}/rename`} hx-target="closest tr" hx-swap="outerHTML" class="inline">
          <input
            name="name"
            value={name}
            required
            maxlength={63}
            pattern="[a-z0-9][a-z0-9\-]{0,62}"
            aria-label={`New name for ${name}`}
          />
          <button type="submit" class="secondary">
            Rename
          </button>
        </form>{' '}
        <button
          hx-delete={path}
          hx-target="closest tr"
          hx-swap="outerHTML swapEmpty:true"
          hx-confirm={`Remove host ${name}? Berth forgets its containers' and images' ownership; the audit trail stays.`}
          class="danger"
        >
          Remove
        </button>
      </td>
    </tr>
  );
}
