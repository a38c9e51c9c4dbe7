// The control plane's side of the signed channel. Web-standard only (fetch,
// Web Crypto, streams): the control plane also runs on Cloudflare Workers.
import { utf8 } from '../protocol/encoding.ts';
import { BERTH_HEADERS } from '../protocol/headers.ts';
import { importKeyPair, importPublicKey, KeyFormatError, type KeyPair, type PublicKey } from '../protocol/keys.ts';
import { AGENT_PATHS, isAgentError, type AgentInfo, type ContainerSummary, type ImageSummary } from '../protocol/messages.ts';
import { NDJSON_CONTENT_TYPE } from '../protocol/ndjson.ts';
import { STREAM_DIGEST, verifyResponse } from '../protocol/response-signing.ts';
import { signRequest, type SignedRequest } from '../protocol/signing.ts';

export const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * - unreachable: no answer at all (connection refused, DNS, TLS).
 * - timeout: no complete answer within the time limit; the command may or may not have run.
 * - rejected: the agent refused the request (4xx), e.g. a bad signature or no such container.
 * - error: the agent or Docker failed (5xx), or the request could not be signed (bad keys).
 * - unverified: the answer's signature is missing or wrong, so the outcome is UNKNOWN.
 */
export type AgentFailureKind = 'unreachable' | 'timeout' | 'rejected' | 'error' | 'unverified';

export type AgentResult<T> =
  | { ok: true; data: T }
  | { ok: false; kind: AgentFailureKind; status?: number; code?: string; message: string };

export interface AgentClientOptions {
  /** The control plane's private key: a CryptoKey, or PKCS#8 as PEM or base64url. */
  privateKey: CryptoKey | string;
  /** The control plane's public key, base64url of the raw 32 bytes. */
  publicKey: string;
  clock: () => number;
  fetch?: typeof fetch;
  /**
   * A fetch that refuses any TLS certificate but the one with this SHA-256
   * fingerprint, for hosts enrolled with one. Without it such hosts are
   * refused: a pinned host is never reached unpinned.
   */
  pinnedFetch?: (tlsFingerprint: string) => typeof fetch;
  /** Default limit for a whole request, and for a stream's response headers. */
  timeoutMs?: number;
}

export interface AgentHost {
  /** Origin of the agent, e.g. `http://127.0.0.1:7171`. */
  url: string;
  /** The agent's public key as stored in the host record (base64url). */
  agentPublicKey: string;
  /** SHA-256 fingerprint of the agent's TLS certificate (`AB:CD:…`), when it is pinned. */
  tlsFingerprint?: string | null;
}

export interface CallOptions {
  /** A lowercase UUID; reuse it to retry the same command: the agent then answers with the first result. */
  commandId?: string;
  timeoutMs?: number;
}

export interface HostClient {
  /** Version and counts; a status check, so callers usually pass a short `timeoutMs`. */
  info(options?: CallOptions): Promise<AgentResult<AgentInfo>>;
  listContainers(): Promise<AgentResult<ContainerSummary[]>>;
  listImages(): Promise<AgentResult<ImageSummary[]>>;
  /** Any JSON endpoint; `body` is sent as JSON. */
  request<T>(method: string, path: string, body?: unknown, options?: CallOptions): Promise<AgentResult<T>>;
  /** An NDJSON endpoint: the raw body once status and header signature check out (see ndjson.ts). */
  stream(
    method: string,
    path: string,
    body?: unknown,
    options?: CallOptions,
  ): Promise<AgentResult<ReadableStream<Uint8Array>>>;
}

export interface AgentClient {
  /** A client acting for `actor` (a username, `system` or `external`) against one agent. */
  forHost(host: AgentHost, actor: string): HostClient;
}

/**
 * @example
 * const agents = createAgentClient({ privateKey: pem, publicKey, clock: Date.now });
 * const result = await agents.forHost(host, 'alice').listContainers();
 * if (!result.ok) return showError(result.kind, result.message);
 */
export function createAgentClient(options: AgentClientOptions): AgentClient {
  const doFetch = options.fetch ?? fetch;
  const defaultTimeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const signerReady = loadSigner(options.privateKey, options.publicKey);
  // Awaited on every call; this keeps a bad key from also being an unhandled rejection.
  signerReady.catch(() => {});

  return {
    forHost(host, actor) {
      const transport = host.tlsFingerprint ? options.pinnedFetch?.(host.tlsFingerprint) : doFetch;
      const agentKeyReady = importPublicKey(host.agentPublicKey);
      agentKeyReady.catch(() => {});

      async function send(
        method: string,
        path: string,
        body: unknown,
        callOptions: CallOptions,
        signal: AbortSignal,
      ): Promise<{ response: Response; nonce: string; agentKey: PublicKey } | AgentResult<never>> {
        let url: URL;
        try {
          url = new URL(path, host.url);
        } catch {
          return failure('error', `Not a valid agent URL: ${host.url}`);
        }
        if (!transport) {
          return failure('error', `The agent at ${url.origin} has a pinned TLS certificate, and this control plane cannot pin certificates.`);
        }
        let agentKey: PublicKey;
        let signed: SignedRequest;
        const bytes = body === undefined ? undefined : utf8(JSON.stringify(body));
        try {
          const [signer, key] = await Promise.all([signerReady, agentKeyReady]);
          agentKey = key;
          signed = await signRequest({
            signer,
            method,
            // Exactly what fetch will send: both sides see it through WHATWG URL parsing.
            pathAndQuery: url.pathname + url.search,
            body: bytes,
            agentId: agentKey.keyId,
            actor,
            commandId: callOptions.commandId ?? crypto.randomUUID(),
            timestamp: options.clock(),
          });
        } catch (error) {
          // Bad keys or an unsignable actor: nothing was sent.
          return failure('error', `Cannot sign a request for ${url.origin}: ${(error as Error).message}`);
        }
        const headers = { ...signed.headers, ...(bytes ? { 'content-type': 'application/json' } : {}) };
        try {
          const response = await transport(url, { method, headers, body: bytes ?? null, signal });
          return { response, nonce: signed.nonce, agentKey };
        } catch (error) {
          return transportFailure(error, url);
        }
      }

      async function request<T>(method: string, path: string, body?: unknown, callOptions: CallOptions = {}) {
        const signal = AbortSignal.timeout(callOptions.timeoutMs ?? defaultTimeoutMs);
        const sent = await send(method, path, body, callOptions, signal);
        if (!('response' in sent)) return sent;
        let bytes: Uint8Array<ArrayBuffer>;
        try {
          bytes = new Uint8Array(await sent.response.arrayBuffer());
        } catch (error) {
          return transportFailure(error, new URL(path, host.url));
        }
        return readSignedResponse<T>(sent.response, bytes, sent.nonce, sent.agentKey);
      }

      async function stream(method: string, path: string, body?: unknown, callOptions: CallOptions = {}) {
        // The time limit covers the response headers only: a stream may stay open for long.
        const controller = new AbortController();
        const timer = setTimeout(
          () => controller.abort(new DOMException('Agent response headers timed out.', 'TimeoutError')),
          callOptions.timeoutMs ?? defaultTimeoutMs,
        );
        try {
          const sent = await send(method, path, body, callOptions, controller.signal);
          if (!('response' in sent)) return sent;
          const { response, nonce, agentKey } = sent;
          const isStream = response.headers.get('content-type')?.startsWith(NDJSON_CONTENT_TYPE) ?? false;
          if (!isStream || !response.body) {
            const bytes = new Uint8Array(await response.arrayBuffer());
            const result = await readSignedResponse<unknown>(response, bytes, nonce, agentKey);
            if (!result.ok) return result;
            return failure('error', `The agent answered ${path} without a stream.`, response.status);
          }
          const check = await verifyResponse(agentKey.cryptoKey, response.headers.get(BERTH_HEADERS.responseSignature), {
            requestNonce: nonce,
            status: response.status,
            body: STREAM_DIGEST,
          });
          if (!check.ok) {
            await response.body.cancel();
            return failure('unverified', `Outcome unknown: ${check.message}`, response.status);
          }
          if (!response.ok) {
            await response.body.cancel();
            return failure(response.status < 500 ? 'rejected' : 'error', `The agent answered HTTP ${response.status}.`, response.status);
          }
          return { ok: true as const, data: response.body };
        } catch (error) {
          return transportFailure(error, new URL(path, host.url));
        } finally {
          clearTimeout(timer);
        }
      }

      return {
        info: (callOptions) => request<AgentInfo>('GET', AGENT_PATHS.info, undefined, callOptions),
        listContainers: () => request<ContainerSummary[]>('GET', AGENT_PATHS.containers),
        listImages: () => request<ImageSummary[]>('GET', AGENT_PATHS.images),
        request,
        stream,
      };
    },
  };
}

async function loadSigner(privateKey: CryptoKey | string, publicKey: string): Promise<KeyPair> {
  const expected: PublicKey = await importPublicKey(publicKey);
  if (typeof privateKey !== 'string') return { privateKey, publicKey: expected };
  const pair = await importKeyPair(privateKey);
  if (pair.publicKey.keyId !== expected.keyId) {
    throw new KeyFormatError('The control-plane private key does not belong to the configured public key.');
  }
  return pair;
}

/** Status and body of a signed, non-streaming answer, turned into a result. */
async function readSignedResponse<T>(
  response: Response,
  bytes: Uint8Array<ArrayBuffer>,
  nonce: string,
  agentKey: PublicKey,
): Promise<AgentResult<T>> {
  const { status } = response;
  const check = await verifyResponse(agentKey.cryptoKey, response.headers.get(BERTH_HEADERS.responseSignature), {
    requestNonce: nonce,
    status,
    body: bytes,
  });
  if (!check.ok) return failure('unverified', `Outcome unknown: ${check.message}`, status);

  let parsed: unknown = null;
  try {
    parsed = bytes.length === 0 ? null : JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return failure('error', `The agent answered with a body that is not JSON (HTTP ${status}).`, status);
  }
  if (status >= 200 && status < 300) return { ok: true, data: parsed as T };
  const kind = status >= 400 && status < 500 ? 'rejected' : 'error';
  if (isAgentError(parsed)) return { ok: false, kind, status, code: parsed.error.code, message: parsed.error.message };
  return failure(kind, `The agent answered HTTP ${status}.`, status);
}

function transportFailure(error: unknown, url: URL): AgentResult<never> {
  const name = error instanceof Error || error instanceof DOMException ? error.name : '';
  if (name === 'TimeoutError') return failure('timeout', `The agent at ${url.origin} did not answer in time.`);
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
  return failure('unreachable', `The agent at ${url.origin} is unreachable: ${cause}`);
}

function failure(kind: AgentFailureKind, message: string, status?: number): AgentResult<never> {
  return status === undefined ? { ok: false, kind, message } : { ok: false, kind, status, message };
}
