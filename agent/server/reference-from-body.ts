import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';

/** The `reference` of a `{ "reference": "…" }` body, the only field such a request may carry. */
export async function referenceFromBody(c: Context): Promise<string> {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    throw new HTTPException(400, { message: 'The request body is not JSON.' });
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new HTTPException(400, { message: 'The body must be a JSON object.' });
  const extra = Object.keys(body).filter((key) => key !== 'reference');
  if (extra.length > 0) throw new HTTPException(400, { message: `Unknown field ${extra.join(', ')}: the body carries only reference.` });
  const { reference } = body as { reference?: unknown };
  if (typeof reference !== 'string') throw new HTTPException(400, { message: 'reference must be a string.' });
  return reference;
}
