import type { MiddlewareHandler } from 'hono';
import { BERTH_HEADERS } from '../protocol/headers.ts';
import { NDJSON_CONTENT_TYPE } from '../protocol/ndjson.ts';
import { signResponse, STREAM_DIGEST, type SignedBody } from '../protocol/response-signing.ts';
import { NONCE_PATTERN } from '../protocol/signing.ts';

/**
 * Signs every response, refusals and errors included, over the request's
 * nonce, the status and the body digest (`stream` for NDJSON, see
 * response-signing.ts). Register it first so it wraps everything else.
 */
export function signResponses(privateKey: CryptoKey): MiddlewareHandler {
  return async function signResponses(c, next) {
    await next();
    const claimedNonce = c.req.header(BERTH_HEADERS.nonce) ?? '';
    // Only echo a well-formed nonce into what we sign.
    const requestNonce = NONCE_PATTERN.test(claimedNonce) ? claimedNonce : '';
    let body: SignedBody = STREAM_DIGEST;
    if (!c.res.headers.get('content-type')?.startsWith(NDJSON_CONTENT_TYPE)) {
      body = new Uint8Array(await c.res.arrayBuffer());
      // 204/304 may not carry a body, not even an empty one.
      c.res = new Response(body.length === 0 ? null : body, c.res);
    }
    const signature = await signResponse(privateKey, { requestNonce, status: c.res.status, body });
    c.res.headers.set(BERTH_HEADERS.responseSignature, signature);
  };
}
