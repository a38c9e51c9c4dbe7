import { createMiddleware } from 'hono/factory';
import { HTTPException } from 'hono/http-exception';
import { probeAuditWritable } from '../../db/audit/probe.ts';
import { databaseErrorMessage } from '../../db/error-message.ts';
import type { AppEnv } from '../app-env.ts';
import { isUnsafeMethod } from './unsafe-methods.ts';

export const auditUnwritableMessage = 'The audit trail cannot be written, so Berth did not carry out this action.';

/**
 * Fails closed: before any state-changing request reaches its handler, checks
 * that the audit trail accepts a write (a probe insert, rolled back). When it
 * does not, the request is refused with 503 and nothing happens, because the
 * action could not be recorded. Covers every route, present and future, in
 * one place; `audit()` still throws if the record itself fails afterwards.
 */
export function requireAuditWritable() {
  return createMiddleware<AppEnv>(async function requireAuditWritableMiddleware(c, next) {
    if (!isUnsafeMethod(c.req.method)) return next();
    try {
      await probeAuditWritable(c.get('db'), new Date(c.get('clock')()));
    } catch (err) {
      c.get('logger').error('audit: the audit trail cannot be written; the request was refused', {
        requestId: c.get('requestId'),
        method: c.req.method,
        path: c.req.path,
        user: c.get('user')?.username ?? null,
        error: databaseErrorMessage(err),
      });
      throw new HTTPException(503, { message: auditUnwritableMessage });
    }
    await next();
  });
}
