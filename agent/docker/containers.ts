import type Dockerode from 'dockerode';
import type { ContainerPort, ContainerState, ContainerSummary } from '../protocol/messages.ts';

/** Every container on the host, stopped ones included. */
export async function listContainers(docker: Dockerode): Promise<ContainerSummary[]> {
  const containers = await docker.listContainers({ all: true });
  return containers.map(toContainerSummary);
}

/** One container as the list shows it, or null if it is gone. */
export async function findContainerSummary(docker: Dockerode, id: string): Promise<ContainerSummary | null> {
  const [container] = await docker.listContainers({ all: true, filters: { id: [id] } });
  return container && container.Id === id ? toContainerSummary(container) : null;
}

function toContainerSummary(container: Dockerode.ContainerInfo): ContainerSummary {
  return {
    id: container.Id,
    name: primaryName(container.Names),
    image: container.Image,
    imageId: container.ImageID,
    command: container.Command,
    created: container.Created,
    state: container.State as ContainerState,
    status: container.Status,
    ports: (container.Ports ?? []).map(toContainerPort),
    labels: container.Labels ?? {},
  };
}

// Docker lists link aliases too (`/web/db`); the container's own name has a single slash.
function primaryName(names: string[]): string {
  const own = names.find((name) => name.lastIndexOf('/') === 0) ?? names[0] ?? '';
  return own.replace(/^\//, '');
}

function toContainerPort(port: Dockerode.Port): ContainerPort {
  return {
    ...(port.IP ? { ip: port.IP } : {}),
    privatePort: port.PrivatePort,
    ...(port.PublicPort ? { publicPort: port.PublicPort } : {}),
    type: port.Type as ContainerPort['type'],
  };
}
