// Validation of the container fields both sides handle: the control plane
// checks a form before it calls the agent, and the agent checks every body
// again before it builds a Docker request. Web-standard only (Workers too).
import type {
  CommitContainerRequest,
  CreateContainerRequest,
  PortMapping,
  PortProtocol,
  RestartPolicy,
  RestartPolicyName,
} from './messages.ts';
import { isImageId, parseTagReference } from './image-reference.ts';

export { isImageId };

export type Checked<T> = { ok: true; value: T } | { ok: false; message: string };

const CONTAINER_ID = /^[0-9a-f]{64}$/;
/** Docker's own rule for container names. */
export const CONTAINER_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;
const ENV_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;
// A loose shape check; Docker resolves the reference and answers 404 if it is unknown.
const IMAGE_REFERENCE = /^[a-zA-Z0-9][a-zA-Z0-9._\-/:@]*$/;
const LABEL_KEY = /^[a-z0-9]([a-z0-9._-]*[a-z0-9])?$/;
const PROTOCOLS: readonly PortProtocol[] = ['tcp', 'udp', 'sctp'];
export const RESTART_POLICIES: readonly RestartPolicyName[] = ['no', 'on-failure', 'always', 'unless-stopped'];

const LIMITS = { cmdArgs: 256, argLength: 65_536, env: 256, envLength: 65_536, ports: 64, labels: 32, labelValue: 1024, name: 255, comment: 1024 };

/** A full Docker container id: 64 lowercase hex characters. */
export function isContainerId(value: string): boolean {
  return CONTAINER_ID.test(value);
}


/** A strict dotted quad, or an IPv6 address as WHATWG URL parsing accepts it. */
export function isIpAddress(value: string): boolean {
  const quad = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(value);
  if (quad) return quad.slice(1).every((part) => Number(part) <= 255 && (part === '0' || !part.startsWith('0')));
  if (!value.includes(':') || !/^[0-9a-fA-F:.]+$/.test(value)) return false;
  return URL.canParse(`http://[${value}]/`);
}

export function checkContainerName(name: string): string | null {
  if (name.length > LIMITS.name) return `The container name is longer than ${LIMITS.name} characters.`;
  if (!CONTAINER_NAME.test(name)) {
    return `"${name}" is not a valid container name: use at least two of a-z, A-Z, 0-9, _ . - starting with a letter or digit.`;
  }
  return null;
}

/** Input quoted back in a message, cut so a huge field is not repeated whole. */
function echo(text: string): string {
  return text.length > 64 ? `${text.slice(0, 64)}…` : text;
}

export function checkEnvEntry(entry: string): string | null {
  const eq = entry.indexOf('=');
  const key = eq === -1 ? entry : entry.slice(0, eq);
  if (eq === -1) return `Environment entry "${echo(key)}" has no "=": write KEY=value.`;
  if (!ENV_KEY.test(key)) return `"${echo(key)}" is not a valid environment variable name: use letters, digits and _, not starting with a digit.`;
  if (entry.includes('\0')) return `The value of ${echo(key)} contains a NUL character.`;
  if (entry.length > LIMITS.envLength) return `The value of ${echo(key)} is longer than ${LIMITS.envLength} characters.`;
  return null;
}

function checkPort(port: unknown, what: string): string | null {
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65_535) {
    return `${what} ${String(port)} is outside 1–65535.`;
  }
  return null;
}

export function checkPortMapping(mapping: PortMapping): string | null {
  const { hostIp, hostPort, containerPort, protocol } = mapping;
  if (hostIp !== undefined && (typeof hostIp !== 'string' || !isIpAddress(hostIp))) return `"${String(hostIp)}" is not an IP address.`;
  if (hostPort !== undefined) {
    const error = checkPort(hostPort, 'Host port');
    if (error) return error;
  }
  if (!PROTOCOLS.includes(protocol)) return `"${String(protocol)}" is not a port protocol: use tcp, udp or sctp.`;
  return checkPort(containerPort, 'Container port');
}

export function checkRestartPolicy(policy: RestartPolicy): string | null {
  if (!RESTART_POLICIES.includes(policy.name)) {
    return `"${String(policy.name)}" is not a restart policy: use no, on-failure[:N], always or unless-stopped.`;
  }
  const count = policy.maximumRetryCount;
  if (count === undefined) return null;
  if (policy.name !== 'on-failure') return `A retry count only goes with on-failure, not ${policy.name}.`;
  if (!Number.isInteger(count) || count < 0 || count > 1000) return `The retry count ${String(count)} must be a whole number from 0 to 1000.`;
  return null;
}

export function checkLabels(labels: unknown): string | null {
  if (!isPlainObject(labels)) return 'labels must be an object of strings.';
  const entries = Object.entries(labels);
  if (entries.length > LIMITS.labels) return `At most ${LIMITS.labels} labels.`;
  for (const [key, value] of entries) {
    if (!LABEL_KEY.test(key)) return `"${key}" is not a valid label key.`;
    if (typeof value !== 'string' || value.length > LIMITS.labelValue) return `The label ${key} must be a string of at most ${LIMITS.labelValue} characters.`;
  }
  return null;
}

/** `repository` and `tag` of a commit target, checked against Docker's reference grammar (image-reference.ts). */
export function checkCommitTarget(repository: string, tag: string): string | null {
  const parsed = parseTagReference(`${repository}:${tag}`);
  return parsed.ok ? null : parsed.message;
}

/**
 * Checks a create body field by field; the first problem is reported as a
 * sentence naming the field. Unknown fields are refused, so nothing the
 * agent does not build itself can reach Docker.
 */
export function checkCreateContainerRequest(body: unknown): Checked<CreateContainerRequest> {
  const fail = (message: string): Checked<CreateContainerRequest> => ({ ok: false, message });
  if (!isPlainObject(body)) return fail('The request body must be a JSON object.');
  const allowed = new Set(['image', 'cmd', 'name', 'env', 'ports', 'restartPolicy', 'labels', 'restricted']);
  const unknown = Object.keys(body).find((key) => !allowed.has(key));
  if (unknown) return fail(`Unknown field "${unknown}".`);

  const { image, cmd, name, env, ports, restartPolicy, labels, restricted } = body;
  if (typeof image !== 'string' || image.length > 512 || !(isImageId(image) || IMAGE_REFERENCE.test(image))) {
    return fail('image must be an image reference or id.');
  }
  if (!isStringArray(cmd) || cmd.length > LIMITS.cmdArgs) return fail(`cmd must be a list of at most ${LIMITS.cmdArgs} strings.`);
  if (cmd.some((arg) => arg.includes('\0') || arg.length > LIMITS.argLength)) {
    return fail(`Command arguments may not contain NUL or exceed ${LIMITS.argLength} characters.`);
  }
  if (name !== undefined) {
    if (typeof name !== 'string') return fail('name must be a string.');
    const error = checkContainerName(name);
    if (error) return fail(error);
  }
  if (!isStringArray(env) || env.length > LIMITS.env) return fail(`env must be a list of at most ${LIMITS.env} KEY=value strings.`);
  for (const entry of env) {
    const error = checkEnvEntry(entry);
    if (error) return fail(error);
  }
  if (!Array.isArray(ports) || ports.length > LIMITS.ports) return fail(`ports must be a list of at most ${LIMITS.ports} mappings.`);
  for (const port of ports as unknown[]) {
    if (!isPlainObject(port)) return fail('Each port mapping must be an object.');
    const error = checkPortMapping(port as unknown as PortMapping);
    if (error) return fail(error);
  }
  if (!isPlainObject(restartPolicy)) return fail('restartPolicy must be an object.');
  const policyError = checkRestartPolicy(restartPolicy as unknown as RestartPolicy);
  if (policyError) return fail(policyError);
  const labelError = checkLabels(labels);
  if (labelError) return fail(labelError);
  if (typeof restricted !== 'boolean') return fail('restricted must be true or false.');
  return { ok: true, value: body as unknown as CreateContainerRequest };
}

export function checkCommitContainerRequest(body: unknown): Checked<CommitContainerRequest> {
  const fail = (message: string): Checked<CommitContainerRequest> => ({ ok: false, message });
  if (!isPlainObject(body)) return fail('The request body must be a JSON object.');
  const allowed = new Set(['repository', 'tag', 'comment', 'labels']);
  const unknown = Object.keys(body).find((key) => !allowed.has(key));
  if (unknown) return fail(`Unknown field "${unknown}".`);
  const { repository, tag, comment, labels } = body;
  if (typeof repository !== 'string' || typeof tag !== 'string') return fail('repository and tag must be strings.');
  const targetError = checkCommitTarget(repository, tag);
  if (targetError) return fail(targetError);
  if (comment !== undefined && (typeof comment !== 'string' || comment.length > LIMITS.comment)) {
    return fail(`comment must be a string of at most ${LIMITS.comment} characters.`);
  }
  const labelError = checkLabels(labels);
  if (labelError) return fail(labelError);
  return { ok: true, value: body as unknown as CommitContainerRequest };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}
