import type Dockerode from 'dockerode';
import { HTTPException } from 'hono/http-exception';
import { formatImageReference, type ImageReference } from '../protocol/image-reference.ts';
import type { RemoveImageResult, TagImageResult } from '../protocol/messages.ts';
import { removeImage } from './image-remove.ts';
import { imageIdOf, requireTagFree } from './tag-holder.ts';

/**
 * Adds `reference` as a tag of the image `id`. A tag that already exists is
 * refused (409), on this image or another: Docker would silently move it,
 * taking it from whoever relied on it. Untag it first to move it.
 */
export async function tagImage(docker: Dockerode, id: string, reference: ImageReference): Promise<TagImageResult> {
  const text = formatImageReference(reference);
  const image = docker.getImage(id);
  await image.inspect(); // 404 if the image is gone
  await requireTagFree(docker, text, id);
  await image.tag({ repo: reference.repository, tag: reference.tag ?? undefined });
  return { reference: text };
}

/**
 * Removes the tag `reference` from the image `expectedId`, by Docker's rules
 * (the image itself goes too when it was its last reference and nothing uses
 * it). Refused if the tag names another image by now.
 */
export async function untagImage(docker: Dockerode, reference: ImageReference, expectedId: string): Promise<RemoveImageResult> {
  const text = formatImageReference(reference);
  const holder = await imageIdOf(docker, text);
  if (holder === null) throw new HTTPException(404, { message: `No image has the tag ${text}.` });
  if (holder !== expectedId) throw new HTTPException(409, { message: `The tag ${text} names another image (${holder}) by now.` });
  return removeImage(docker, text, { force: false, prune: true });
}
