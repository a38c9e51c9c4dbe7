import { Hono, type Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AgentResult } from '../../agent/client/agent-client.ts';
import type { AgentInfo } from '../../agent/protocol/messages.ts';
import { deleteHost, findHostByAgentKey, findHostByName, insertHost, renameHost } from '../../db/queries/hosts.ts';
import { listResources } from '../../db/queries/resources.ts';
import type { Host } from '../../db/schema.ts';
import { HostRow, type HostRowProps } from '../../views/hosts/host-row.tsx';
import { HostsPage } from '../../views/hosts/hosts-page.tsx';
import { OobNotice } from '../../views/notice.tsx';
import type { AppEnv } from '../app-env.ts';
import { audit } from '../audit/audit.ts';
import { requireAdmin } from '../middleware/session.ts';
import { agentStartCommand } from './agent-command.ts';
import { askAllHosts, hostClient } from './host-client.ts';
import { checkAgentKey, checkAgentUrl, checkHostName, checkTlsFingerprint } from './host-fields.ts';
import { hostFailureMessage, hostStatusOf } from './host-status.ts';
import { readForm } from '../forms/read-form.ts';
import { isHtmx } from '../pages/respond.ts';

type Ctx = Context<AppEnv>;

/** A host's row from its agent's answer to `info()`. */
function hostRow(host: Host, info: AgentResult<AgentInfo>, now: number): HostRowProps {
  return {
    name: host.name,
    agentUrl: host.agentUrl,
    tlsPinned: host.tlsFingerprint !== null,
    status: hostStatusOf(info),
    problem: info.ok ? null : hostFailureMessage(host.name, info),
    lastSeenAt: info.ok ? new Date(now) : host.lastSeenAt,
    docker: info.ok ? { version: info.data.dockerVersion, containers: info.data.containers, images: info.data.images } : null,
  };
}

/** One host's row, asked live (bounded by the status timeout). */
async function liveRow(c: Ctx, host: Host): Promise<HostRowProps> {
  const info = await hostClient(c, host).info({ timeoutMs: c.get('config').agentTimeoutMs });
  return hostRow(host, info, c.get('clock')());
}

/** Records a refused host action and answers with its message (a notice for htmx, an error page otherwise). */
async function refuse(c: Ctx, status: ContentfulStatusCode, action: string, target: string, message: string, host?: Host): Promise<never> {
  await audit(c, {
    action,
    outcome: 'failure',
    message,
    host: host ? { id: host.id, name: host.name } : null,
    target: { kind: 'host', id: host ? String(host.id) : null, name: target.slice(0, 255) },
  });
  throw new HTTPException(status, { message });
}

/** The host named in the path, or a recorded 404. */
async function hostFromPath(c: Ctx, action: string): Promise<Host> {
  const name = c.req.param('host') ?? '';
  const host = await findHostByName(c.get('db'), name);
  return host ?? refuse(c, 404, action, name, `There is no host named "${name}".`);
}

/** After a change: for htmx the row (if any) and the message; without JavaScript, back to the page. */
function answer(c: Ctx, message: string, row?: HostRowProps) {
  if (!isHtmx(c)) return c.redirect('/hosts', 303);
  return c.html(
    <>
      {row && <HostRow {...row} />}
      <OobNotice kind="success" message={message} />
    </>,
  );
}

/**
 * `/hosts` (admins): enrolled hosts with their live status, enrollment,
 * rename and removal. Every change, failure and refusal is audited as
 * `host.add`, `host.rename` or `host.remove`.
 */
export const hostRoutes = new Hono<AppEnv>()
  .get('/', requireAdmin(), async (c) => {
    const timeoutMs = c.get('config').agentTimeoutMs;
    const answers = await askAllHosts(c, (client) => client.info({ timeoutMs }));
    const now = c.get('clock')();
    const key = c.get('controlPlanePublicKey');
    return c.html(
      <HostsPage
        user={c.get('user')!}
        hosts={answers.map(({ host, result }) => hostRow(host, result, now))}
        controlPlanePublicKey={key}
        agentCommand={agentStartCommand(key)}
      />,
    );
  })

  .post('/', requireAdmin('host.add'), async (c) => {
    const action = 'host.add';
    const field = await readForm(c);
    const name = checkHostName(field('name'));
    if (!name.ok) return refuse(c, 422, action, field('name'), name.message);
    const url = checkAgentUrl(field('agentUrl'));
    if (!url.ok) return refuse(c, 422, action, name.value, url.message);
    const key = await checkAgentKey(field('agentPublicKey'));
    if (!key.ok) return refuse(c, 422, action, name.value, key.message);
    const fingerprint = checkTlsFingerprint(field('tlsFingerprint'), url.value);
    if (!fingerprint.ok) return refuse(c, 422, action, name.value, fingerprint.message);

    const db = c.get('db');
    // The same agent twice would show one engine's containers under two names.
    const holder = await findHostByAgentKey(db, key.value.encoded);
    if (holder) return refuse(c, 409, action, name.value, `That agent key is already enrolled as host ${holder.name}.`);
    const host = await insertHost(db, {
      name: name.value,
      agentUrl: url.value,
      agentPublicKey: key.value.encoded,
      tlsFingerprint: fingerprint.value,
      createdAt: new Date(c.get('clock')()),
    });
    if (host === 'name-taken') return refuse(c, 409, action, name.value, `There is already a host named ${name.value}.`);

    await audit(c, {
      action,
      outcome: 'success',
      message: `Host ${host.name} enrolled: agent ${host.agentUrl}, key ${key.value.keyId}${host.tlsFingerprint ? ', TLS certificate pinned' : ''}.`,
      host: { id: host.id, name: host.name },
      target: { kind: 'host', id: String(host.id), name: host.name },
      detail: { agentUrl: host.agentUrl, agentKeyId: key.value.keyId, tlsFingerprint: host.tlsFingerprint },
    });
    return answer(c, `Host ${host.name} added.`, isHtmx(c) ? await liveRow(c, host) : undefined);
  })

  .post('/:host/rename', requireAdmin('host.rename'), async (c) => {
    const action = 'host.rename';
    const host = await hostFromPath(c, action);
    const name = checkHostName((await readForm(c))('name'));
    if (!name.ok) return refuse(c, 422, action, host.name, name.message, host);
    const renamed = await renameHost(c.get('db'), host.id, name.value);
    if (renamed === 'name-taken') return refuse(c, 409, action, host.name, `There is already a host named ${name.value}.`, host);

    await audit(c, {
      action,
      outcome: 'success',
      message: `Host ${host.name} renamed to ${name.value}.`,
      host: { id: host.id, name: name.value },
      target: { kind: 'host', id: String(host.id), name: name.value },
      detail: { from: host.name, to: name.value },
    });
    const row = isHtmx(c) ? await liveRow(c, { ...host, name: name.value }) : undefined;
    return answer(c, `Host ${host.name} is now ${name.value}.`, row);
  })

  .delete('/:host', requireAdmin('host.remove'), async (c) => {
    const action = 'host.remove';
    const host = await hostFromPath(c, action);
    const db = c.get('db');
    const owned = (await listResources(db, host.id)).length;
    // Its ownership rows go with it (foreign key cascade); the audit trail keeps its name.
    if (!(await deleteHost(db, host.id))) return refuse(c, 404, action, host.name, `There is no host named "${host.name}".`);

    await audit(c, {
      action,
      outcome: 'success',
      message: `Host ${host.name} removed, with the ownership records of its ${owned} containers and images.`,
      host: { id: host.id, name: host.name },
      target: { kind: 'host', id: String(host.id), name: host.name },
      detail: { agentUrl: host.agentUrl, ownershipRows: owned },
    });
    return answer(c, `Host ${host.name} removed.`);
  });
