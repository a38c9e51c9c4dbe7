import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { findHostByName } from '../../db/queries/hosts.ts';
import { findResource, type ResourceKind } from '../../db/queries/resources.ts';
import type { Host, Resource } from '../../db/schema.ts';
import type { AppEnv } from '../app-env.ts';
import { audit } from '../audit/audit.ts';
import { canAccessWorkspace } from './visibility.ts';

/**
 * The host of that name, or 404. Given the `action` a state-changing route
 * is about to take, the refusal is audited as a failure first, so every
 * such request leaves its record.
 */
export async function requireHost(c: Context<AppEnv>, hostName: string, action?: string): Promise<Host> {
  const host = await findHostByName(c.get('db'), hostName);
  if (host) return host;
  const message = `There is no host named "${hostName}".`;
  if (action) await audit(c, { action, outcome: 'failure', message, detail: { host: hostName.slice(0, 64) } });
  throw new HTTPException(404, { message });
}

/**
 * The resource, if the signed-in user may see it. Otherwise 404 — the same
 * answer as for an id that does not exist, so nothing leaks — and the attempt
 * is audited as denied under `action`.
 */
export async function requireVisibleResource(
  c: Context<AppEnv>,
  host: Host,
  kind: ResourceKind,
  dockerId: string,
  action: string,
): Promise<Resource> {
  const user = c.get('user');
  const resource = await findResource(c.get('db'), host.id, kind, dockerId);
  if (resource && user && canAccessWorkspace(user, resource.workspace)) return resource;
  await audit(c, {
    action,
    outcome: 'denied',
    host: { id: host.id, name: host.name },
    target: { kind, id: dockerId },
    message: resource ? `The ${kind} is not in a workspace this user can use.` : `No such ${kind} on ${host.name}.`,
  });
  throw new HTTPException(404, { message: `No such ${kind} on ${host.name}.` });
}
