import type Dockerode from 'dockerode';
import type { ContainerSummary, CreateContainerRequest, PortMapping } from '../protocol/messages.ts';
import { findContainerSummary } from './containers.ts';
import { isImageId } from '../protocol/container-fields.ts';
import { checkIsolation } from './container-policy.ts';

/**
 * The Docker create options for a checked request, built field by field:
 * nothing else the caller sent can reach Docker.
 */
export function buildCreateOptions(request: CreateContainerRequest): Dockerode.ContainerCreateOptions {
  const exposed: Record<string, object> = {};
  const bindings: Record<string, { HostIp: string; HostPort: string }[]> = {};
  for (const port of request.ports) {
    const key = `${port.containerPort}/${port.protocol}`;
    exposed[key] = {};
    (bindings[key] ??= []).push(toBinding(port));
  }
  const { name: policyName, maximumRetryCount } = request.restartPolicy;
  return {
    ...(request.name ? { name: request.name } : {}),
    Image: request.image,
    ...(request.cmd.length > 0 ? { Cmd: request.cmd } : {}),
    Env: request.env,
    Labels: request.labels,
    ExposedPorts: exposed,
    HostConfig: {
      PortBindings: bindings,
      RestartPolicy: { Name: policyName, ...(policyName === 'on-failure' ? { MaximumRetryCount: maximumRetryCount ?? 0 } : {}) },
    },
  };
}

function toBinding(port: PortMapping): { HostIp: string; HostPort: string } {
  // Empty strings ask Docker for every address / a free port, as `docker run -p` does.
  return { HostIp: port.hostIp ?? '', HostPort: port.hostPort === undefined ? '' : String(port.hostPort) };
}

export type CreateOutcome =
  | { ok: true; container: ContainerSummary }
  | { ok: false; reason: 'policy-refused' | 'conflict'; message: string };

/**
 * Creates the container (not started); restricted requests must pass the
 * isolation rules first. An image given by id is created through its
 * shortest tag, so Docker (and `docker ps`) shows a name; if the tag was moved to
 * another image meanwhile, the container is removed again and the create
 * fails: it must run exactly the image the caller was allowed to use.
 */
export async function createContainer(docker: Dockerode, request: CreateContainerRequest): Promise<CreateOutcome> {
  const options = buildCreateOptions(request);
  if (request.restricted) {
    const verdict = checkIsolation(options);
    if (!verdict.ok) return { ok: false, reason: 'policy-refused', message: verdict.message };
  }
  const wantedImageId = isImageId(request.image) ? request.image : null;
  if (wantedImageId) {
    // The shortest tag is usually the plain local name (`app:1` rather than `registry:5000/team/app:1`).
    const tags = (await docker.getImage(wantedImageId).inspect()).RepoTags ?? [];
    const [tag] = tags.sort((a, b) => a.length - b.length || a.localeCompare(b));
    if (tag) options.Image = tag;
  }
  let container: Dockerode.Container;
  try {
    container = await docker.createContainer(options);
  } catch (error) {
    // Docker's own text names the container holding the name, which may be another user's.
    if ((error as { statusCode?: number }).statusCode === 409 && request.name) {
      return { ok: false, reason: 'conflict', message: `The name ${request.name} is already in use on this host; choose another.` };
    }
    throw error;
  }
  const inspect = await container.inspect();
  if (wantedImageId && inspect.Image !== wantedImageId) {
    await container.remove({ force: true });
    return {
      ok: false,
      reason: 'conflict',
      message: `${options.Image} was re-tagged to another image while the container was created; nothing was created.`,
    };
  }
  const summary = await findContainerSummary(docker, container.id);
  if (!summary) throw new Error(`Container ${container.id} vanished right after it was created.`);
  return { ok: true, container: summary };
}
