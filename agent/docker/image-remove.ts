import type Dockerode from 'dockerode';
import type { RemoveImageResult } from '../protocol/messages.ts';

export interface RemoveImageOptions {
  /** Docker's force: remove even if a stopped container uses it, and every tag at once. */
  force: boolean;
  /** Also delete the parents that no other tag or image keeps (Docker's default; `noprune` turns it off). */
  prune: boolean;
}

/**
 * Removes an image by id or one reference (`repository:tag`). Docker's own
 * rules apply: a reference that is not the image's last one is only untagged;
 * an image used by a container is refused (409) unless forced, and never
 * removed from under a running container.
 */
export async function removeImage(docker: Dockerode, name: string, options: RemoveImageOptions): Promise<RemoveImageResult> {
  const answer = (await docker.getImage(name).remove({ force: options.force, noprune: !options.prune })) as DockerDeleteItem[] | null;
  const result: RemoveImageResult = { untagged: [], deleted: [] };
  for (const item of answer ?? []) {
    if (item.Untagged) result.untagged.push(item.Untagged);
    if (item.Deleted) result.deleted.push(item.Deleted);
  }
  return result;
}

// One entry of DELETE /images/{name}'s answer.
interface DockerDeleteItem {
  Untagged?: string;
  Deleted?: string;
}
