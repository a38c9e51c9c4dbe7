// Per-request signatures: the control plane signs, the agent verifies.
// See DESIGN.md "Signed channel".
import { decodeBase64, randomBase64url, sha256Hex, toBase64url, utf8 } from './encoding.ts';
import { BERTH_HEADERS, REQUIRED_REQUEST_HEADERS } from './headers.ts';
import type { KeyPair, PublicKey } from './keys.ts';
import type { NonceCache } from './nonce-cache.ts';

export const DEFAULT_WINDOW_MS = 30_000;

/** Acting user as carried in x-berth-actor: a username, `system` or `external`. */
export const ACTOR_PATTERN = /^[\x21-\x7e]{1,128}$/;
const KEY_ID_PATTERN = /^[0-9a-f]{16}$/;
const TIMESTAMP_PATTERN = /^\d{1,15}$/;
/** 16 random bytes as base64url. */
export const NONCE_PATTERN = /^[A-Za-z0-9_-]{22}$/;
const COMMAND_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const SIGNATURE_PATTERN = /^[A-Za-z0-9_-]{86}$/;

export interface SignedFields {
  method: string;
  /** Path and query exactly as sent, e.g. `/v1/containers?all=1`. */
  pathAndQuery: string;
  timestamp: number;
  nonce: string;
  /** Key id of the target agent, so a request for one agent is refused by another. */
  agentId: string;
  actor: string;
  commandId: string;
  bodyDigest: string;
}

/** The exact bytes that are signed; one field per line, none may contain "\n". */
export function canonicalRequest(fields: SignedFields): string {
  return [
    'berth-request-v1',
    fields.method.toUpperCase(),
    fields.pathAndQuery,
    String(fields.timestamp),
    fields.nonce,
    fields.agentId,
    fields.actor,
    fields.commandId,
    fields.bodyDigest,
  ].join('\n');
}

export interface RequestToSign {
  signer: KeyPair;
  method: string;
  pathAndQuery: string;
  body?: Uint8Array<ArrayBuffer> | undefined;
  agentId: string;
  actor: string;
  commandId: string;
  timestamp: number;
  /** Fresh random nonce unless given (tests pin it to replay). */
  nonce?: string | undefined;
}

export interface SignedRequest {
  headers: Record<string, string>;
  /** Needed again to verify the agent's response signature. */
  nonce: string;
}

/**
 * Signs one request and returns the headers to send with it.
 *
 * @example
 * const { headers, nonce } = await signRequest({ signer, method: 'GET',
 *   pathAndQuery: '/v1/info', agentId, actor: 'alice', commandId: crypto.randomUUID(),
 *   timestamp: Date.now() });
 */
export async function signRequest(request: RequestToSign): Promise<SignedRequest> {
  if (!ACTOR_PATTERN.test(request.actor)) throw new TypeError(`Actor must match ${ACTOR_PATTERN}.`);
  if (!COMMAND_ID_PATTERN.test(request.commandId)) throw new TypeError('Command id must be a lowercase UUID.');
  if (request.pathAndQuery.includes('\n')) throw new TypeError('Path must not contain a newline.');
  const nonce = request.nonce ?? randomBase64url(16);
  const fields: SignedFields = {
    method: request.method,
    pathAndQuery: request.pathAndQuery,
    timestamp: request.timestamp,
    nonce,
    agentId: request.agentId,
    actor: request.actor,
    commandId: request.commandId,
    bodyDigest: await sha256Hex(request.body ?? new Uint8Array()),
  };
  const signature = await crypto.subtle.sign('Ed25519', request.signer.privateKey, utf8(canonicalRequest(fields)));
  return {
    nonce,
    headers: {
      [BERTH_HEADERS.keyId]: request.signer.publicKey.keyId,
      [BERTH_HEADERS.timestamp]: String(fields.timestamp),
      [BERTH_HEADERS.nonce]: nonce,
      [BERTH_HEADERS.agentId]: fields.agentId,
      [BERTH_HEADERS.actor]: fields.actor,
      [BERTH_HEADERS.commandId]: fields.commandId,
      [BERTH_HEADERS.signature]: toBase64url(new Uint8Array(signature)),
    },
  };
}

export type VerifyFailureReason =
  | 'missing-header'
  | 'malformed-header'
  | 'unknown-key'
  | 'wrong-agent'
  | 'bad-signature'
  | 'stale-timestamp'
  | 'future-timestamp'
  | 'replayed-nonce'
  | 'signed-before-start'
  | 'nonce-cache-full';

export interface VerifiedRequest {
  keyId: string;
  timestamp: number;
  nonce: string;
  actor: string;
  commandId: string;
  /** Hex SHA-256 of the body, as signed. */
  bodyDigest: string;
}

export type VerifyRequestResult =
  | { ok: true; request: VerifiedRequest }
  | { ok: false; reason: VerifyFailureReason; message: string };

export interface IncomingRequest {
  method: string;
  pathAndQuery: string;
  headers: Headers;
  body: Uint8Array<ArrayBuffer>;
}

export interface VerifyOptions {
  /** The one caller this agent accepts: the control plane's public key. */
  trustedKey: PublicKey;
  /** This agent's own key id. */
  agentId: string;
  nonceCache: NonceCache;
  clock: () => number;
  /** Accepted clock difference either way, default 30 s. */
  windowMs?: number | undefined;
  /**
   * When the nonce cache began remembering (the agent's start). It lives in
   * memory, so a request signed earlier may be a replay it cannot detect.
   */
  noncesSince?: number | undefined;
}

/**
 * Checks headers, key, target agent, signature, timestamp window and nonce,
 * in that order. The signature is checked before the clock and the nonce so
 * an unsigned request learns nothing about the agent's clock and cannot fill
 * the nonce cache.
 */
export async function verifyRequest(request: IncomingRequest, options: VerifyOptions): Promise<VerifyRequestResult> {
  for (const name of REQUIRED_REQUEST_HEADERS) {
    if (!request.headers.get(name)) return fail('missing-header', `Missing header: the request has no ${name}.`);
  }
  const header = (name: string): string => request.headers.get(name) ?? '';
  const keyId = header(BERTH_HEADERS.keyId);
  const timestampText = header(BERTH_HEADERS.timestamp);
  const nonce = header(BERTH_HEADERS.nonce);
  const agentId = header(BERTH_HEADERS.agentId);
  const actor = header(BERTH_HEADERS.actor);
  const commandId = header(BERTH_HEADERS.commandId);
  const signatureText = header(BERTH_HEADERS.signature);

  const signature = decodeBase64(signatureText);
  // Only the canonical encoding is accepted: no second spelling of one signature.
  const canonicalSignature = signature !== undefined && toBase64url(signature) === signatureText;
  const malformed =
    (!KEY_ID_PATTERN.test(keyId) && BERTH_HEADERS.keyId) ||
    (!TIMESTAMP_PATTERN.test(timestampText) && BERTH_HEADERS.timestamp) ||
    (!NONCE_PATTERN.test(nonce) && BERTH_HEADERS.nonce) ||
    (!KEY_ID_PATTERN.test(agentId) && BERTH_HEADERS.agentId) ||
    (!ACTOR_PATTERN.test(actor) && BERTH_HEADERS.actor) ||
    (!COMMAND_ID_PATTERN.test(commandId) && BERTH_HEADERS.commandId) ||
    ((!SIGNATURE_PATTERN.test(signatureText) || !canonicalSignature) && BERTH_HEADERS.signature);
  if (malformed) return fail('malformed-header', `Malformed header: ${malformed} is not in the expected format.`);

  if (keyId !== options.trustedKey.keyId) {
    return fail(
      'unknown-key',
      `Unknown key: key id ${keyId} is not the control-plane key this agent trusts (${options.trustedKey.keyId}).`,
    );
  }
  if (agentId !== options.agentId) {
    return fail('wrong-agent', `Wrong agent: the request is addressed to agent ${agentId}, this is agent ${options.agentId}.`);
  }

  const timestamp = Number(timestampText);
  const fields: SignedFields = {
    method: request.method,
    pathAndQuery: request.pathAndQuery,
    timestamp,
    nonce,
    agentId,
    actor,
    commandId,
    bodyDigest: await sha256Hex(request.body),
  };
  const valid = await crypto.subtle.verify(
    'Ed25519',
    options.trustedKey.cryptoKey,
    signature ?? new Uint8Array(),
    utf8(canonicalRequest(fields)),
  );
  if (!valid) {
    return fail(
      'bad-signature',
      'Bad signature: it does not match this request (method, path, headers or body changed, or signed with another key).',
    );
  }

  const windowMs = options.windowMs ?? DEFAULT_WINDOW_MS;
  const now = options.clock();
  const skewMs = timestamp - now;
  const window = `±${windowMs / 1000} s`;
  if (skewMs < -windowMs) {
    return fail(
      'stale-timestamp',
      `Stale timestamp: the request is ${formatSeconds(-skewMs)} s behind this agent's clock, outside the ${window} window (clock skew, or a delayed or replayed request).`,
    );
  }
  if (skewMs > windowMs) {
    return fail(
      'future-timestamp',
      `Future timestamp: the request is ${formatSeconds(skewMs)} s ahead of this agent's clock, outside the ${window} window (clock skew between control plane and agent).`,
    );
  }

  if (options.noncesSince !== undefined && timestamp < options.noncesSince) {
    return fail(
      'signed-before-start',
      `Signed before this agent started: the request is ${formatSeconds(options.noncesSince - timestamp)} s older than the agent, which cannot tell whether it was already carried out; sign it again.`,
    );
  }

  // The nonce must be remembered for as long as this timestamp stays acceptable.
  const claim = options.nonceCache.claim(nonce, timestamp + windowMs);
  if (claim === 'replayed') {
    return fail('replayed-nonce', `Replayed nonce: nonce ${nonce} was already used; a request is accepted once.`);
  }
  if (claim === 'full') {
    return fail(
      'nonce-cache-full',
      `Nonce cache full: too many requests within the ${window} window; retry shortly.`,
    );
  }
  return { ok: true, request: { keyId, timestamp, nonce, actor, commandId, bodyDigest: fields.bodyDigest } };
}

function fail(reason: VerifyFailureReason, message: string): VerifyRequestResult {
  return { ok: false, reason, message };
}

function formatSeconds(ms: number): string {
  return (ms / 1000).toFixed(1);
}
