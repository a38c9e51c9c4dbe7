import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AppEnv } from './app-env.ts';
import { ErrorPage } from '../views/error-page.tsx';
import { Notice } from '../views/notice.tsx';

/**
 * Turns any error into a page, or for htmx a notice in the message area, with
 * the request id. Unexpected errors are logged in full on the server and shown
 * to the user only as a generic sentence: never a stack trace.
 */
export function renderError(err: Error, c: Context<AppEnv>) {
  const requestId = c.get('requestId') ?? 'unknown';
  let status: ContentfulStatusCode = 500;
  let message = 'Berth could not complete this request. The error was logged.';
  if (err instanceof HTTPException) {
    if (err.res) return err.res;
    status = err.status;
    message = err.message || message;
  } else {
    c.get('logger')?.error('unhandled error', { requestId, path: c.req.path, error: err.stack ?? String(err) });
  }
  if (c.req.header('HX-Request')) {
    c.header('HX-Retarget', '#messages');
    c.header('HX-Reswap', 'innerHTML');
    return c.html(<Notice kind="error" message={message} requestId={requestId} />, status);
  }
  if (c.req.path === '/healthz' || c.req.header('Accept')?.startsWith('application/json')) {
    return c.json({ error: { message, requestId } }, status);
  }
  return c.html(<ErrorPage status={status} message={message} requestId={requestId} user={c.get('user') ?? null} />, status);
}

export function renderNotFound(c: Context<AppEnv>) {
  return renderError(new HTTPException(404, { message: `There is no page at ${c.req.path}.` }), c);
}
