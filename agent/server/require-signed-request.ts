import type { MiddlewareHandler } from 'hono';
import { verifyRequest, type VerifyOptions } from '../protocol/signing.ts';
import { agentError } from './agent-error.ts';
import type { AgentEnv } from './env.ts';

/**
 * Lets a request through only if it is signed by the one control-plane key
 * this agent was started with, for this agent, fresh and never seen before.
 * Otherwise answers 401 with the reason, before any handler runs. The body is
 * read once here; handlers read it again from Hono's cache (`c.req.json()`).
 */
export function requireSignedRequest(options: VerifyOptions): MiddlewareHandler<AgentEnv> {
  return async function requireSignedRequest(c, next) {
    const url = new URL(c.req.url);
    const result = await verifyRequest(
      {
        method: c.req.method,
        pathAndQuery: url.pathname + url.search,
        headers: c.req.raw.headers,
        body: new Uint8Array(await c.req.arrayBuffer()),
      },
      options,
    );
    if (!result.ok) {
      // A full nonce cache is load, not a bad caller: 503 tells the client to retry.
      const { status, body } = agentError(result.reason === 'nonce-cache-full' ? 503 : 401, result.reason, result.message);
      return c.json(body, status);
    }
    c.set('signedRequest', result.request);
    await next();
  };
}
