import { Hono, type Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { inspectImage } from '../../docker/image-inspect.ts';
import { removeImage } from '../../docker/image-remove.ts';
import { tagImage, untagImage } from '../../docker/image-tag.ts';
import { listImages } from '../../docker/images.ts';
import { formatImageReference, isImageId, parseImageReference, parseTagReference, type ImageReference } from '../../protocol/image-reference.ts';
import { referenceFromBody } from '../reference-from-body.ts';
import type { AgentEnv } from '../env.ts';

/** The `:id` path parameter, refused unless it is a full image id (no names, no prefixes). */
function imageId(c: Context<AgentEnv>, value = c.req.param('id') ?? ''): string {
  if (!isImageId(value)) throw new HTTPException(400, { message: `"${value}" is not an image id (sha256: and 64 hex characters).` });
  return value;
}

function flag(c: Context<AgentEnv>, name: string): boolean {
  const value = c.req.query(name);
  if (value !== undefined && value !== '1' && value !== '0') throw new HTTPException(400, { message: `${name} must be 1 or 0.` });
  return value === '1';
}

function tagReference(text: string): ImageReference {
  const parsed = parseTagReference(text);
  if (!parsed.ok) throw new HTTPException(400, { message: parsed.message });
  return parsed.reference;
}

export const imageRoutes = new Hono<AgentEnv>()
  .get('/', async (c) => c.json(await listImages(c.var.docker)))
  // Before /:id: a tag is one URL-encoded path segment (`team%2Fapp%3A1`).
  .delete('/tags/:reference', async (c) => {
    const reference = tagReference(c.req.param('reference'));
    const expected = imageId(c, c.req.query('image') ?? '');
    return c.json(await untagImage(c.var.docker, reference, expected));
  })
  // A signed answer to "which image does this name now?" (a pull's own stream is not signed).
  .get('/references/:reference', async (c) => {
    const parsed = parseImageReference(c.req.param('reference'));
    if (!parsed.ok) throw new HTTPException(400, { message: parsed.message });
    return c.json(await inspectImage(c.var.docker, formatImageReference(parsed.reference)));
  })
  .get('/:id', async (c) => c.json(await inspectImage(c.var.docker, imageId(c))))
  .delete('/:id', async (c) => {
    const options = { force: flag(c, 'force'), prune: !flag(c, 'noprune') };
    return c.json(await removeImage(c.var.docker, imageId(c), options));
  })
  .post('/:id/tag', async (c) => {
    const id = imageId(c);
    const reference = tagReference(await referenceFromBody(c));
    return c.json(await tagImage(c.var.docker, id, reference), 201);
  });
