import {
  checkCreateContainerRequest,
  RESTART_POLICIES,
  type Checked,
} from '../../agent/protocol/container-fields.ts';
import type { CreateContainerRequest, PortMapping, PortProtocol, RestartPolicy, RestartPolicyName } from '../../agent/protocol/messages.ts';
import { findUnsafeCharacter } from '../forms/unsafe-characters.ts';
import { parseCommandLine } from './command-line.ts';

export interface CreateFormFields {
  image: string;
  command: string;
  name: string;
  env: string;
  ports: string;
  restart: string;
}

/**
 * The create request a form describes, or the first problem with it as a
 * sentence. Text is parsed here (command line, one env entry or port per
 * line, Docker's `-p` and `--restart` syntax); the field rules themselves
 * (name, env keys, port range…) are the agent protocol's, checked last.
 */
export function parseCreateForm(
  fields: CreateFormFields,
  extra: Pick<CreateContainerRequest, 'labels' | 'restricted'>,
): Checked<CreateContainerRequest> {
  const cmd = parseCommandLine(fields.command);
  if (!cmd.ok) return cmd;
  const env = parseEnvLines(fields.env);
  if (!env.ok) return env;
  const ports: PortMapping[] = [];
  for (const line of nonEmptyLines(fields.ports)) {
    const port = parsePortMapping(line.trim());
    if (!port.ok) return port;
    ports.push(port.value);
  }
  const restartPolicy = parseRestartPolicy(fields.restart.trim() || 'no');
  if (!restartPolicy.ok) return restartPolicy;
  const name = fields.name.trim();
  return checkCreateContainerRequest({
    image: fields.image,
    cmd: cmd.value,
    ...(name ? { name } : {}),
    env: env.value,
    ports,
    restartPolicy: restartPolicy.value,
    ...extra,
  });
}

const REFUSED = 'Berth refuses control characters and text-direction overrides, which would show others something other than what is set.';

function nonEmptyLines(text: string): string[] {
  return text.split(/\r?\n/).filter((line) => line.trim() !== '');
}

/**
 * One `KEY=value` per line; a key given twice is refused rather than silently
 * overridden, and so are control characters (a tab in a value excepted) and
 * text-direction overrides, as values are shown back to other users.
 */
export function parseEnvLines(text: string): Checked<string[]> {
  const entries = nonEmptyLines(text);
  const seen = new Set<string>();
  for (const entry of entries) {
    const key = entry.split('=', 1)[0] ?? '';
    const unsafeKey = findUnsafeCharacter(key);
    if (unsafeKey) return { ok: false, message: `An environment variable name contains ${unsafeKey}; ${REFUSED}` };
    const unsafeValue = findUnsafeCharacter(entry.slice(key.length + 1), { tab: true });
    if (unsafeValue) return { ok: false, message: `The value of the environment variable ${key} contains ${unsafeValue}; ${REFUSED}` };
    if (entry.includes('=') && seen.has(key)) return { ok: false, message: `The environment variable ${key} is given twice.` };
    seen.add(key);
  }
  return { ok: true, value: entries };
}

/**
 * Docker's `-p` syntax: `[hostIp:][hostPort:]containerPort[/protocol]`, an
 * IPv6 host address in brackets, an empty host port for a free one. Ranges
 * are not supported.
 */
export function parsePortMapping(text: string): Checked<PortMapping> {
  const fail = (message: string): Checked<PortMapping> => ({ ok: false, message: `Port "${text}": ${message}` });
  const slash = text.lastIndexOf('/');
  const protocol = (slash === -1 ? 'tcp' : text.slice(slash + 1).toLowerCase()) as PortProtocol;
  let rest = slash === -1 ? text : text.slice(0, slash);

  let hostIp: string | undefined;
  const bracketed = /^\[([^\]]*)\]:(.*)$/.exec(rest);
  if (bracketed) {
    hostIp = bracketed[1];
    rest = bracketed[2] ?? '';
  }
  const parts = rest.split(':');
  if (parts.length > (hostIp === undefined ? 3 : 2)) return fail('write [hostIp:][hostPort:]containerPort[/protocol].');
  if (parts.length === 3) hostIp = parts.shift();
  const containerText = parts.pop() ?? '';
  const hostText = parts.pop();

  if ([containerText, hostText].some((part) => part?.includes('-'))) return fail('port ranges are not supported; give one port per line.');
  const containerPort = toNumber(containerText);
  if (containerPort === null) return fail(`"${containerText}" is not a port number.`);
  const hostPort = hostText === undefined || hostText === '' ? undefined : toNumber(hostText);
  if (hostPort === null) return fail(`"${hostText}" is not a port number.`);
  return {
    ok: true,
    value: { ...(hostIp ? { hostIp } : {}), ...(hostPort === undefined ? {} : { hostPort }), containerPort, protocol },
  };
}

function toNumber(text: string): number | null {
  return /^\d{1,10}$/.test(text) ? Number(text) : null;
}

/** Docker's `--restart` syntax: `no`, `on-failure[:N]`, `always`, `unless-stopped`. */
export function parseRestartPolicy(text: string): Checked<RestartPolicy> {
  const [name, count, ...more] = text.split(':');
  if (!RESTART_POLICIES.includes(name as RestartPolicyName) || more.length > 0) {
    return { ok: false, message: `"${text}" is not a restart policy: use no, on-failure[:N], always or unless-stopped.` };
  }
  if (count === undefined) return { ok: true, value: { name: name as RestartPolicyName } };
  if (!/^\d{1,6}$/.test(count)) return { ok: false, message: `"${count}" is not a retry count.` };
  return { ok: true, value: { name: name as RestartPolicyName, maximumRetryCount: Number(count) } };
}
