import { Layout, type PageUser } from '../layout.tsx';
import { HostRow, type HostRowProps } from './host-row.tsx';

export interface HostsPageProps {
  user: PageUser;
  hosts: HostRowProps[];
  /** The control plane's public key, which every agent is started with. */
  controlPlanePublicKey: string;
  /** The exact command that starts an agent for this control plane. */
  agentCommand: string;
}

/** Admin page: every enrolled host with its live status, enrollment of a new one, and how to start its agent. */
export function HostsPage({ user, hosts, controlPlanePublicKey, agentCommand }: HostsPageProps) {
  return (
    <Layout title="Hosts" user={user}>
      <h1>Hosts</h1>
      <div class="table-scroll">
        <table>
          <thead>
            <tr>
              <th>Host</th>
              <th>Status</th>
              <th>Last seen</th>
              <th>Docker</th>
              <th>Containers</th>
              <th>Images</th>
              <th>Actions</th>
            </tr>
          </thead>
          <tbody id="host-rows">
            {hosts.map((host) => (
              <HostRow {...host} />
            ))}
          </tbody>
        </table>
      </div>

      <section>
        <h2>Add a host</h2>
        <p>
          This control plane's public key: <code data-testid="control-plane-key">{controlPlanePublicKey}</code>
        </p>
        <ol>
          <li>
            On the new host, with Docker running and Node.js 22 or later, in a copy of Berth after <code>npm ci</code>, start the
            agent with this control plane's key:
            <pre class="agent-command">
              <code data-testid="agent-command">{agentCommand}</code>
            </pre>
            It prints <code>agent public key: …</code> (its key is kept in <code>.berth/agent.key</code>; change that with{' '}
            <code>--key-file</code>). To serve HTTPS, add <code>--tls-cert cert.pem --tls-key key.pem</code>: it then also prints
            its certificate's <code>TLS fingerprint</code>, which Berth can pin. The agent answers only requests signed with this
            control plane's key, and Berth only trusts the agent key you enter below.
          </li>
          <li>Enter the host's name, the agent's URL and the key it printed:</li>
        </ol>
        <form method="post" action="/hosts" hx-post="/hosts" hx-target="#host-rows" hx-swap="beforeend">
          <label>
            Name
            <input name="name" required maxlength={63} pattern="[a-z0-9][a-z0-9\-]{0,62}" placeholder="build-01" />
          </label>
          <label>
            Agent URL
            <input name="agentUrl" type="url" required placeholder="http://10.0.0.5:7171" />
          </label>
          <label>
            Agent public key
            <input name="agentPublicKey" required placeholder="43 characters, as the agent printed it" />
          </label>
          <label>
            TLS fingerprint (optional, https agents)
            <input name="tlsFingerprint" placeholder="AB:CD:… as the agent printed it" />
          </label>
          <button type="submit">Add host</button>
        </form>
      </section>
    </Layout>
  );
}
