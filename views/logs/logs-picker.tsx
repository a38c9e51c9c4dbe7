import type { ContainerState } from '../../agent/protocol/messages.ts';
import { shortId } from '../format.ts';
import { HostFilter } from '../host-filter.tsx';
import { Layout, type PageUser } from '../layout.tsx';
import { Notice } from '../notice.tsx';

export interface LogPickerRow {
  host: string;
  id: string;
  name: string;
  state: ContainerState;
  image: string;
}

export interface LogsPickerProps {
  user: PageUser;
  /** Every host, for the filter. */
  hostNames: string[];
  hostFilter: string | null;
  rows: LogPickerRow[];
  /** One sentence per host that did not answer. */
  unreachable: string[];
}

/** The URL of a container's log page; each segment encoded. */
export function logsPath(host: string, id: string, suffix = ''): string {
  return `/logs/${encodeURIComponent(host)}/${encodeURIComponent(id)}${suffix}`;
}

/** `/logs`: the containers whose logs this user may read, on every host. */
export function LogsPicker({ user, hostNames, hostFilter, rows, unreachable }: LogsPickerProps) {
  return (
    <Layout title="Logs" user={user}>
      <h1>Container logs</h1>
      <HostFilter action="/logs" hostNames={hostNames} selected={hostFilter} />
      {unreachable.map((message) => (
        <Notice kind="error" message={message} />
      ))}
      {rows.length === 0 ? (
        <p>There are no containers you can see.</p>
      ) : (
        <div class="table-scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">ID</th>
                <th scope="col">State</th>
                <th scope="col">Image</th>
                <th scope="col">Host</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr>
                  <td>
                    <a href={logsPath(row.host, row.id)}>{row.name}</a>
                  </td>
                  <td>
                    <code title={row.id}>{shortId(row.id)}</code>
                  </td>
                  <td>{row.state}</td>
                  <td>
                    <small>{row.image.startsWith('sha256:') ? shortId(row.image) : row.image}</small>
                  </td>
                  <td>{row.host}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Layout>
  );
}
