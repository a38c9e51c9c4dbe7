import type Dockerode from 'dockerode';
import { HTTPException } from 'hono/http-exception';

/** The id of the image `reference` names on this host, or null when none does. */
export async function imageIdOf(docker: Dockerode, reference: string): Promise<string | null> {
  try {
    return (await docker.getImage(reference).inspect()).Id;
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return null;
    throw error;
  }
}

/**
 * Refuses (409) a `repository:tag` that already exists on the host, before a
 * tag or a commit writes it: Docker would silently move the tag to the new
 * image, taking it from whoever relied on it (another user's private tag, a
 * shared image). `ownImageId` is the image being tagged, for a plainer message.
 */
export async function requireTagFree(docker: Dockerode, reference: string, ownImageId?: string): Promise<void> {
  const holder = await imageIdOf(docker, reference);
  if (holder === null) return;
  if (holder === ownImageId) throw new HTTPException(409, { message: `The image already has the tag ${reference}.` });
  throw new HTTPException(409, { message: `${reference} already exists; choose another tag or remove it first.` });
}
