// The agent signs its answers so the control plane can tell a real outcome
// from a forged or truncated one. A missing or wrong signature means the
// outcome is unknown, never success.
//
// Streaming (NDJSON) responses cannot be signed as a whole before they are
// sent; their header signature uses the digest marker `stream` and only
// proves that this agent answered this request with this status. The frames
// themselves are protected by the transport (loopback or TLS), not by a signature.
import { decodeBase64, sha256Hex, toBase64url, utf8 } from './encoding.ts';

/** Body digest marker for streamed responses, in place of a SHA-256 hex digest. */
export const STREAM_DIGEST = 'stream';

/** The body of a response, or `STREAM_DIGEST` for an NDJSON stream. */
export type SignedBody = Uint8Array<ArrayBuffer> | typeof STREAM_DIGEST;

export interface ResponseToSign {
  /** The nonce of the request being answered (may be empty if it had none). */
  requestNonce: string;
  status: number;
  body: SignedBody;
}

export async function canonicalResponse({ requestNonce, status, body }: ResponseToSign): Promise<string> {
  const digest = body === STREAM_DIGEST ? STREAM_DIGEST : await sha256Hex(body);
  return ['berth-response-v1', requestNonce, String(status), digest].join('\n');
}

/** Value for the x-berth-response-signature header. */
export async function signResponse(privateKey: CryptoKey, response: ResponseToSign): Promise<string> {
  const signature = await crypto.subtle.sign('Ed25519', privateKey, utf8(await canonicalResponse(response)));
  return toBase64url(new Uint8Array(signature));
}

export type VerifyResponseResult =
  | { ok: true }
  | { ok: false; reason: 'missing-signature' | 'bad-signature'; message: string };

/**
 * @example
 * const check = await verifyResponse(agentKey.cryptoKey, res.headers.get(BERTH_HEADERS.responseSignature),
 *   { requestNonce: nonce, status: res.status, body });
 */
export async function verifyResponse(
  agentPublicKey: CryptoKey,
  signature: string | null,
  response: ResponseToSign,
): Promise<VerifyResponseResult> {
  if (!signature) {
    return { ok: false, reason: 'missing-signature', message: 'The agent response carries no signature.' };
  }
  const bytes = decodeBase64(signature);
  const valid =
    bytes !== undefined &&
    toBase64url(bytes) === signature &&
    (await crypto.subtle.verify('Ed25519', agentPublicKey, bytes, utf8(await canonicalResponse(response))));
  return valid
    ? { ok: true }
    : {
        ok: false,
        reason: 'bad-signature',
        message:
          "The agent's answer is not signed by the key enrolled for this host: the agent has another key (enroll the key it prints), or the answer was altered on the way.",
      };
}
