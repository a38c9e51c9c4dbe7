import type Dockerode from 'dockerode';
import type { ImageDetail } from '../protocol/messages.ts';

/** One image in detail; Docker's 404 becomes the agent's "not found". */
export async function inspectImage(docker: Dockerode, id: string): Promise<ImageDetail> {
  const image = await docker.getImage(id).inspect();
  // Docker leaves absent lists and maps as null rather than empty.
  const config: Partial<Dockerode.ImageInspectInfo['Config']> = image.Config ?? {};
  const entrypoint = config.Entrypoint;
  return {
    id: image.Id,
    repoTags: image.RepoTags ?? [],
    repoDigests: image.RepoDigests ?? [],
    created: Math.floor(Date.parse(image.Created) / 1000),
    size: image.Size,
    labels: config.Labels ?? {},
    parent: image.Parent ?? '',
    comment: image.Comment ?? '',
    author: image.Author ?? '',
    architecture: image.Architecture,
    os: image.Os,
    cmd: config.Cmd ?? [],
    entrypoint: typeof entrypoint === 'string' ? [entrypoint] : (entrypoint ?? []),
    env: config.Env ?? [],
    workingDir: config.WorkingDir ?? '',
    exposedPorts: Object.keys(config.ExposedPorts ?? {}),
  };
}
