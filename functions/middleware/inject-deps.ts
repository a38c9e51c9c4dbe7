import { createMiddleware } from 'hono/factory';
import type { AppDeps, AppEnv } from '../app-env.ts';

/** Puts the injected dependencies and a request id on the context. */
export function injectDeps(deps: AppDeps) {
  return createMiddleware<AppEnv>(async function injectDepsMiddleware(c, next) {
    c.set('db', deps.db);
    c.set('agents', deps.agents);
    c.set('clock', deps.clock);
    c.set('config', deps.config);
    c.set('logger', deps.logger);
    c.set('controlPlanePublicKey', deps.controlPlanePublicKey);
    c.set('runInBackground', deps.runInBackground);
    c.set('clientAddress', deps.clientAddress(c));
    c.set('requestId', crypto.randomUUID());
    c.set('user', null);
    c.set('sessionId', null);
    c.header('X-Request-Id', c.get('requestId'));
    await next();
  });
}
