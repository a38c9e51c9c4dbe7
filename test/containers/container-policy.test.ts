// The isolation policy for non-admins' containers (pure) and the agent's create options.
import { describe, expect, test } from 'vitest';
import { buildCreateOptions } from '../../agent/docker/container-create.ts';
import { checkIsolation, type IsolationRule } from '../../agent/docker/container-policy.ts';
import { checkCreateContainerRequest } from '../../agent/protocol/container-fields.ts';
import type { CreateContainerRequest } from '../../agent/protocol/messages.ts';

const base = { Image: 'berth-test/busybox:latest', Cmd: ['sleep', '3600'] };

describe('checkIsolation', () => {
  test.each<[string, object, IsolationRule, RegExp]>([
    ['privileged mode', { Privileged: true }, 'privileged', /Privileged mode/],
    ['the Docker socket as a bind', { Binds: ['/var/run/docker.sock:/var/run/docker.sock'] }, 'docker-socket', /Docker socket \(\/var\/run\/docker\.sock\)/],
    ['the Docker socket as a mount', { Mounts: [{ Type: 'bind', Source: '/run/docker.sock', Target: '/s' }] }, 'docker-socket', /Docker socket/],
    ['a host directory as a bind', { Binds: ['/etc:/host-etc:ro'] }, 'bind-mount', /host paths are not allowed \(\/etc\)/],
    ['a host directory as a mount', { Mounts: [{ Type: 'bind', Source: '/home', Target: '/h' }] }, 'bind-mount', /\(\/home\)/],
    ['the host network', { NetworkMode: 'host' }, 'host-namespace', /host's network namespace/],
    ['the host PID namespace', { PidMode: 'host' }, 'host-namespace', /host's PID namespace/],
    ['the host IPC namespace', { IpcMode: 'host' }, 'host-namespace', /host's IPC namespace/],
    ['the host UTS namespace', { UTSMode: 'host' }, 'host-namespace', /host's UTS namespace/],
    ['the host user namespace', { UsernsMode: 'host' }, 'host-namespace', /host's user namespace/],
    ["another container's network", { NetworkMode: 'container:abc' }, 'host-namespace', /another container's network/],
    ["another container's PID namespace", { PidMode: 'container:abc' }, 'host-namespace', /another container's PID/],
    ['added capabilities', { CapAdd: ['SYS_ADMIN'] }, 'capabilities', /SYS_ADMIN/],
    ['a device', { Devices: [{ PathOnHost: '/dev/sda', PathInContainer: '/dev/sda', CgroupPermissions: 'rwm' }] }, 'devices', /devices/],
    ['a GPU request', { DeviceRequests: [{ Driver: 'nvidia', Count: -1 }] }, 'devices', /devices/],
    ['device cgroup rules', { DeviceCgroupRules: ['c 1:3 mr'] }, 'devices', /devices/],
    ['unconfined seccomp', { SecurityOpt: ['seccomp=unconfined'] }, 'security-options', /seccomp=unconfined/],
    ["another container's volumes", { VolumesFrom: ['other'] }, 'volumes-from', /another container's volumes/],
  ])('refuses %s, naming the rule', (_what, hostConfig, rule, message) => {
    const verdict = checkIsolation({ ...base, HostConfig: hostConfig });
    expect(verdict).toMatchObject({ ok: false, rule });
    if (!verdict.ok) {
      expect(verdict.message).toMatch(message);
      expect(verdict.message).toContain(`isolation rule "${rule}"`);
    }
  });

  test.each([
    ['no host config', {}],
    ['a named volume', { HostConfig: { Binds: ['data:/data'] } }],
    ['a volume mount', { HostConfig: { Mounts: [{ Type: 'volume' as const, Source: 'data', Target: '/data' }] } }],
    ['the default bridge network and published ports', { HostConfig: { NetworkMode: 'bridge', PortBindings: { '80/tcp': [{ HostPort: '8080' }] } } }],
    ['a private IPC namespace', { HostConfig: { IpcMode: 'private' } }],
    ['dropped capabilities', { HostConfig: { CapDrop: ['ALL'] } }],
  ])('allows %s', (_what, options) => {
    expect(checkIsolation({ ...base, ...options })).toEqual({ ok: true });
  });
});

describe('buildCreateOptions', () => {
  const request: CreateContainerRequest = {
    image: 'berth-test/busybox:latest',
    cmd: ['sh', '-c', "echo 'a b'"],
    name: 'web',
    env: ['A=1'],
    ports: [
      { hostIp: '127.0.0.1', hostPort: 8080, containerPort: 80, protocol: 'tcp' },
      { containerPort: 80, protocol: 'tcp' },
      { containerPort: 53, protocol: 'udp' },
    ],
    restartPolicy: { name: 'on-failure', maximumRetryCount: 2 },
    labels: { 'io.berth.workspace': 'alice' },
    restricted: true,
  };

  test('maps every field and nothing else, and what it builds passes the isolation policy', () => {
    expect(checkCreateContainerRequest(request).ok).toBe(true);
    const options = buildCreateOptions(request);
    expect(options).toEqual({
      name: 'web',
      Image: 'berth-test/busybox:latest',
      Cmd: ['sh', '-c', "echo 'a b'"],
      Env: ['A=1'],
      Labels: { 'io.berth.workspace': 'alice' },
      ExposedPorts: { '80/tcp': {}, '53/udp': {} },
      HostConfig: {
        PortBindings: {
          '80/tcp': [
            { HostIp: '127.0.0.1', HostPort: '8080' },
            { HostIp: '', HostPort: '' },
          ],
          '53/udp': [{ HostIp: '', HostPort: '' }],
        },
        RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 2 },
      },
    });
    expect(checkIsolation(options)).toEqual({ ok: true });
  });

  test('an empty command leaves the image default, and no name lets Docker pick one', () => {
    const options = buildCreateOptions({ ...request, cmd: [], name: undefined, restartPolicy: { name: 'always' } });
    expect(options).not.toHaveProperty('Cmd');
    expect(options).not.toHaveProperty('name');
    expect(options.HostConfig?.RestartPolicy).toEqual({ Name: 'always' });
  });
});

describe('checkCreateContainerRequest (the agent refuses what it does not build)', () => {
  const valid = { image: 'berth-test/busybox:latest', cmd: [], env: [], ports: [], restartPolicy: { name: 'no' }, labels: {}, restricted: true };

  test.each([
    [{ Privileged: true }, 'Unknown field "Privileged".'],
    [{ HostConfig: { Binds: ['/var/run/docker.sock:/var/run/docker.sock'] } }, 'Unknown field "HostConfig".'],
    [{ binds: ['/:/host'] }, 'Unknown field "binds".'],
    [{ restricted: 'no' }, 'restricted must be true or false.'],
    [{ image: 'bad image' }, 'image must be an image reference or id.'],
    [{ cmd: 'sleep 1' }, 'cmd must be a list of at most 256 strings.'],
    [{ ports: [{ containerPort: 80, protocol: 'icmp' }] }, '"icmp" is not a port protocol: use tcp, udp or sctp.'],
    [{ labels: { 'Bad Key': 'x' } }, '"Bad Key" is not a valid label key.'],
  ])('%j → %s', (change, message) => {
    expect(checkCreateContainerRequest({ ...valid, ...change })).toEqual({ ok: false, message });
  });

  test('a valid body passes', () => {
    expect(checkCreateContainerRequest(valid).ok).toBe(true);
  });
});
