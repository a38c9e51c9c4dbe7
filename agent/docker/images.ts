import type Dockerode from 'dockerode';
import type { ImageSummary } from '../protocol/messages.ts';

/** Every image on the host, intermediate layers excluded. */
export async function listImages(docker: Dockerode): Promise<ImageSummary[]> {
  const images = await docker.listImages();
  return images.map(toImageSummary);
}

function toImageSummary(image: Dockerode.ImageInfo): ImageSummary {
  return {
    id: image.Id,
    // Docker writes `<none>:<none>` / `<none>@<none>` for "no tag"; say it with an empty list.
    repoTags: (image.RepoTags ?? []).filter((tag) => tag !== '<none>:<none>'),
    repoDigests: (image.RepoDigests ?? []).filter((digest) => digest !== '<none>@<none>'),
    created: image.Created,
    size: image.Size,
    labels: image.Labels ?? {},
  };
}
