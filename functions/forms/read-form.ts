import type { Context } from 'hono';

/**
 * The text fields of a submitted form (urlencoded or multipart). A missing
 * field, a file, or a body that is no form at all reads as '' — so bad input
 * reaches the validation and gets a clear message, never a 500.
 */
export async function readForm(c: Context): Promise<(name: string) => string> {
  let body: Record<string, unknown> = {};
  try {
    body = await c.req.parseBody();
  } catch {
    // A malformed multipart body: treat as empty.
  }
  return (name) => {
    const value = body[name];
    return typeof value === 'string' ? value : '';
  };
}
