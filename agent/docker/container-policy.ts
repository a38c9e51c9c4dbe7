import type Dockerode from 'dockerode';

/** The isolation rules a non-admin's container must keep; each refusal names one. */
export type IsolationRule =
  | 'privileged'
  | 'bind-mount'
  | 'docker-socket'
  | 'host-namespace'
  | 'capabilities'
  | 'devices'
  | 'security-options'
  | 'volumes-from';

export type PolicyResult = { ok: true } | { ok: false; rule: IsolationRule; message: string };

const DOCKER_SOCKET = /(^|\/)docker\.sock$/;
const NAMESPACE_MODES = [
  ['NetworkMode', 'network'],
  ['PidMode', 'PID'],
  ['IpcMode', 'IPC'],
  ['UTSMode', 'UTS'],
  ['UsernsMode', 'user'],
] as const;

/**
 * Whether a container configuration stays inside its isolation: no
 * privileged mode, no bind mount of a host path (the Docker socket above all),
 * no host or other container's namespaces, no added capabilities, no devices,
 * no relaxed security options. Pure: it only reads the options the agent
 * built, so it is the one place these rules live.
 *
 * @example
 * const verdict = checkIsolation(options);
 * if (!verdict.ok) refuse(403, verdict.message);
 */
export function checkIsolation(options: Dockerode.ContainerCreateOptions): PolicyResult {
  const host = options.HostConfig ?? {};
  if (host.Privileged) return refuse('privileged', 'Privileged mode is not allowed.');

  for (const bind of host.Binds ?? []) {
    const source = bind.split(':')[0] ?? '';
    // `name:/path` is a named volume; anything starting with / is a host path.
    if (source.startsWith('/')) return refuseHostPath(source);
  }
  for (const mount of host.Mounts ?? []) {
    if (mount.Type === 'bind') return refuseHostPath(mount.Source);
  }
  if ((host.VolumesFrom ?? []).length > 0) {
    return refuse('volumes-from', "Mounting another container's volumes is not allowed.");
  }

  for (const [field, what] of NAMESPACE_MODES) {
    const mode = (host as Record<string, unknown>)[field];
    if (typeof mode !== 'string') continue;
    if (mode === 'host') return refuse('host-namespace', `The host's ${what} namespace is not allowed.`);
    if (mode.startsWith('container:')) {
      return refuse('host-namespace', `Joining another container's ${what} namespace is not allowed.`);
    }
  }

  if ((host.CapAdd ?? []).length > 0) {
    return refuse('capabilities', `Added capabilities are not allowed (${(host.CapAdd ?? []).join(', ')}).`);
  }
  if ((host.Devices ?? []).length > 0 || (host.DeviceRequests ?? []).length > 0 || (host.DeviceCgroupRules ?? []).length > 0) {
    return refuse('devices', 'Host devices are not allowed.');
  }
  if ((host.SecurityOpt ?? []).length > 0) {
    return refuse('security-options', `Security options are not allowed (${(host.SecurityOpt ?? []).join(', ')}).`);
  }
  return { ok: true };
}

function refuseHostPath(source: string): PolicyResult {
  if (DOCKER_SOCKET.test(source)) {
    return refuse('docker-socket', `Mounting the Docker socket (${source}) is not allowed: it gives full control of the host.`);
  }
  return refuse('bind-mount', `Bind mounts of host paths are not allowed (${source}).`);
}

function refuse(rule: IsolationRule, message: string): PolicyResult {
  return { ok: false, rule, message: `Refused by the isolation rule "${rule}": ${message}` };
}
