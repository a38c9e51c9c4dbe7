import type Dockerode from 'dockerode';
import type { ContainerDetail, ContainerPort, ContainerState, RestartPolicyName } from '../protocol/messages.ts';

/** The fields of `docker inspect` the detail page shows. */
export async function inspectContainer(docker: Dockerode, id: string): Promise<ContainerDetail> {
  const info = await docker.getContainer(id).inspect();
  const policy = info.HostConfig.RestartPolicy;
  return {
    id: info.Id,
    name: info.Name.replace(/^\//, ''),
    image: info.Config.Image,
    imageId: info.Image,
    created: info.Created,
    state: {
      status: info.State.Status as ContainerState,
      running: info.State.Running,
      paused: info.State.Paused,
      restarting: info.State.Restarting,
      exitCode: info.State.ExitCode,
      error: info.State.Error,
      startedAt: info.State.StartedAt,
      finishedAt: info.State.FinishedAt,
    },
    cmd: info.Config.Cmd ?? [],
    entrypoint: toList(info.Config.Entrypoint),
    env: info.Config.Env ?? [],
    workingDir: info.Config.WorkingDir,
    labels: info.Config.Labels ?? {},
    ports: publishedPorts(info.NetworkSettings.Ports ?? {}),
    restartPolicy: {
      name: (policy?.Name || 'no') as RestartPolicyName,
      ...(policy?.Name === 'on-failure' ? { maximumRetryCount: policy.MaximumRetryCount ?? 0 } : {}),
    },
    networkMode: info.HostConfig.NetworkMode ?? '',
    privileged: info.HostConfig.Privileged ?? false,
  };
}

function toList(value: string | string[] | undefined | null): string[] {
  if (!value) return [];
  return Array.isArray(value) ? value : [value];
}

// `{"80/tcp": [{HostIp, HostPort}]}`, null for exposed but unpublished ports.
function publishedPorts(ports: Record<string, { HostIp: string; HostPort: string }[] | null>): ContainerPort[] {
  return Object.entries(ports).flatMap(([key, bindings]) => {
    const [port, type] = key.split('/');
    const base = { privatePort: Number(port), type: (type ?? 'tcp') as ContainerPort['type'] };
    if (!bindings?.length) return [base];
    return bindings.map((binding) => ({
      ...(binding.HostIp ? { ip: binding.HostIp } : {}),
      ...base,
      ...(binding.HostPort ? { publicPort: Number(binding.HostPort) } : {}),
    }));
  });
}
