import type Dockerode from 'dockerode';
import type { AgentInfo } from '../protocol/messages.ts';

/** What the agent reports about itself and its Docker host. */
export async function getAgentInfo(docker: Dockerode, agentId: string): Promise<AgentInfo> {
  const [version, info] = await Promise.all([docker.version(), docker.info() as Promise<DockerSystemInfo>]);
  return {
    agentId,
    hostname: info.Name,
    dockerVersion: version.Version,
    apiVersion: version.ApiVersion,
    os: version.Os,
    arch: version.Arch,
    containers: info.Containers,
    images: info.Images,
  };
}

// The fields of GET /info we use; @types/dockerode types it as `any`.
interface DockerSystemInfo {
  Name: string;
  Containers: number;
  Images: number;
}
