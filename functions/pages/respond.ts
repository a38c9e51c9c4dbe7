import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { JSX } from 'hono/jsx/jsx-runtime';

export function isHtmx(c: Context): boolean {
  return c.req.header('HX-Request') === 'true';
}

/**
 * The fragment for htmx (it swaps it in place), the whole page otherwise —
 * so every form also works without JavaScript.
 */
export function fragmentOrPage(c: Context, status: ContentfulStatusCode, fragment: JSX.Element, page: () => JSX.Element) {
  c.header('Vary', 'HX-Request');
  return c.html(isHtmx(c) ? fragment : page(), status);
}

/**
 * Sends the browser to another page: HX-Redirect for htmx (fetch would
 * silently follow a 303 and swap the next page into the form), a 303 otherwise.
 */
export function redirectPage(c: Context, location: string) {
  if (isHtmx(c)) {
    c.header('HX-Redirect', location);
    return c.body(null, 200);
  }
  return c.redirect(location, 303);
}
