import { createMiddleware } from 'hono/factory';
import { HTTPException } from 'hono/http-exception';
import type { AppEnv } from '../app-env.ts';
import { audit } from '../audit/audit.ts';
import { isUnsafeMethod } from './unsafe-methods.ts';

/**
 * Refuses a state-changing request that did not come from Berth's own pages,
 * whatever its content type. The allowed origins are configured, not derived
 * from the Host header, so this holds behind a TLS-terminating proxy.
 * Browsers send Origin on every POST; Sec-Fetch-Site covers the rare one that does not.
 */
export function csrfProtection() {
  return createMiddleware<AppEnv>(async function csrfProtectionMiddleware(c, next) {
    if (!isUnsafeMethod(c.req.method)) return next();
    const origin = c.req.header('Origin');
    const fetchSite = c.req.header('Sec-Fetch-Site');
    const allowed = origin ? c.get('config').origins.includes(origin) : fetchSite === 'same-origin';
    if (!allowed) {
      await audit(c, {
        action: 'request.cross-site',
        outcome: 'denied',
        message: `Refused ${c.req.method} ${c.req.path} from origin ${origin ?? '(none)'}.`,
        detail: { origin: origin ?? null, secFetchSite: fetchSite ?? null },
      });
      throw new HTTPException(403, { message: 'This request did not come from a Berth page, so it was refused.' });
    }
    await next();
  });
}
