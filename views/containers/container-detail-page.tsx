import type { ContainerDetail } from '../../agent/protocol/messages.ts';
import { formatPorts } from '../format.ts';
import { Layout, type PageUser } from '../layout.tsx';

export interface ContainerDetailPageProps {
  user: PageUser;
  hostName: string;
  workspace: string;
  detail: ContainerDetail;
  /** Environment values are for the container's owner and admins; others see the names. */
  showEnvValues: boolean;
}

/** `KEY=value` with the value replaced by a note saying who may see it. */
function hideValue(line: string): string {
  const equals = line.indexOf('=');
  return equals < 0 ? line : `${line.slice(0, equals)}=(hidden: only its owner and admins see values)`;
}

/** What `docker inspect` says about one container, in the fields people look for. */
export function ContainerDetailPage({ user, hostName, workspace, detail, showEnvValues }: ContainerDetailPageProps) {
  const { state, restartPolicy } = detail;
  const policy = restartPolicy.name === 'on-failure' ? `on-failure:${restartPolicy.maximumRetryCount ?? 0}` : restartPolicy.name;
  const fields: [string, string | string[]][] = [
    ['ID', detail.id],
    ['Host', hostName],
    ['Workspace', workspace],
    ['Image', `${detail.image} (${detail.imageId})`],
    ['Created', detail.created],
    ['State', `${state.status}${state.status === 'exited' ? ` (exit code ${state.exitCode})` : ''}`],
    ['Started at', state.startedAt],
    ['Finished at', state.finishedAt],
    ['Entrypoint', detail.entrypoint.map((arg) => JSON.stringify(arg)).join(' ')],
    ['Command', detail.cmd.map((arg) => JSON.stringify(arg)).join(' ')],
    ['Working directory', detail.workingDir],
    ['Environment', showEnvValues ? detail.env : detail.env.map(hideValue)],
    ['Ports', formatPorts(detail.ports)],
    ['Restart policy', policy],
    ['Network mode', detail.networkMode],
    ['Privileged', detail.privileged ? 'yes' : 'no'],
    ['Labels', Object.entries(detail.labels).map(([key, value]) => `${key}=${value}`)],
  ];
  if (state.error) fields.push(['Error', state.error]);
  return (
    <Layout title={`Container ${detail.name}`} user={user}>
      <h1>{detail.name}</h1>
      <p>
        <a href="/containers">All containers</a> · <a href={`/logs/${encodeURIComponent(hostName)}/${encodeURIComponent(detail.id)}`}>Logs</a>
      </p>
      <table>
        <tbody>
          {fields.map(([label, value]) => (
            <tr>
              <th scope="row">{label}</th>
              <td>{Array.isArray(value) ? value.map((line) => <div><code>{line}</code></div>) : <code>{value}</code>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Layout>
  );
}
