import type Dockerode from 'dockerode';
import type { CommitContainerRequest, CommitContainerResult } from '../protocol/messages.ts';
import { requireTagFree } from './tag-holder.ts';

/**
 * Commits the container to `repository:tag`. The labels are applied as
 * Dockerfile `LABEL` changes, so they replace the container's own labels of
 * the same key (the image belongs to the committer, not to the container's
 * owner). An existing `repository:tag` is refused, as by the tag route:
 * Docker's commit would move it to the new image.
 */
export async function commitContainer(docker: Dockerode, id: string, request: CommitContainerRequest): Promise<CommitContainerResult> {
  const reference = `${request.repository}:${request.tag}`;
  await requireTagFree(docker, reference);
  const changes = Object.entries(request.labels).map(([key, value]) => `LABEL ${JSON.stringify(key)}=${JSON.stringify(value)}`);
  const result = (await docker.getContainer(id).commit({
    repo: request.repository,
    tag: request.tag,
    ...(request.comment ? { comment: request.comment } : {}),
    changes,
  })) as { Id: string };
  return { imageId: result.Id, reference };
}
