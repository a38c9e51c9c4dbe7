/**
 * A fetch for agents whose TLS certificate is pinned (Node only). An agent's
 * certificate is usually self-signed, so no CA vouches for it: instead the
 * connection is accepted only if the certificate's SHA-256 fingerprint is
 * the one stored for the host, checked right after the handshake and before
 * a byte of the request is written.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { Agent, request } from 'node:https';
import type { Duplex } from 'node:stream';
import { Readable } from 'node:stream';
import { connect, type ConnectionOptions } from 'node:tls';

/** Thrown when the agent shows another certificate than the pinned one. */
export class PinnedCertificateMismatch extends Error {
  override name = 'PinnedCertificateMismatch';
}

/** An https agent whose connections are handed to requests only once the certificate matches the pin. */
class PinnedAgent extends Agent {
  constructor(private readonly fingerprint: string) {
    super({ keepAlive: true });
  }

  override createConnection(options: ConnectionOptions, callback?: (err: Error | null, stream: Duplex) => void): undefined {
    // CA checks would refuse a self-signed certificate before any identity check: the pin replaces them.
    const socket = connect({ ...options, rejectUnauthorized: false });
    let settled = false;
    const settle = (error: Error | null) => {
      if (settled) return;
      settled = true;
      if (error) socket.destroy();
      callback?.(error, socket);
    };
    // Stays on: an error between the handshake and the request taking the socket must not go unhandled.
    socket.on('error', settle);
    socket.once('secureConnect', () => {
      const actual = socket.getPeerCertificate().fingerprint256;
      settle(
        actual === this.fingerprint
          ? null
          : new PinnedCertificateMismatch(`its TLS certificate (SHA-256 ${actual ?? 'none'}) is not the one pinned for this host (${this.fingerprint}).`),
      );
    });
    return undefined;
  }
}

function toHeaders(incoming: IncomingHttpHeaders): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(incoming)) {
    for (const one of Array.isArray(value) ? value : value === undefined ? [] : [value]) headers.append(name, one);
  }
  return headers;
}

/** One request through a pinned agent, with fetch's semantics for what the agent client uses. */
function pinnedRequest(agent: PinnedAgent, input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> {
  const url = new URL(input instanceof Request ? input.url : input);
  const signal = init.signal ?? undefined;
  if (url.protocol !== 'https:') return Promise.reject(new TypeError(`A pinned certificate needs an https agent URL, not ${url.origin}.`));
  if (signal?.aborted) return Promise.reject(signal.reason);
  const body = init.body ?? null;
  if (body !== null && !(body instanceof Uint8Array) && typeof body !== 'string') {
    return Promise.reject(new TypeError('The pinned fetch sends bytes or text bodies only.'));
  }

  return new Promise((resolve, reject) => {
    const req = request(url, { method: init.method ?? 'GET', headers: Object.fromEntries(new Headers(init.headers)), agent });
    // Like fetch: an abort rejects with the signal's reason (a TimeoutError for AbortSignal.timeout).
    const abort = () => req.destroy(signal?.reason);
    signal?.addEventListener('abort', abort, { once: true });
    req.once('error', (error) => {
      signal?.removeEventListener('abort', abort);
      reject(signal?.aborted ? signal.reason : new TypeError('fetch failed', { cause: error }));
    });
    req.once('response', (res) => {
      res.once('close', () => signal?.removeEventListener('abort', abort));
      const empty = req.method === 'HEAD' || res.statusCode === 204 || res.statusCode === 304;
      if (empty) res.resume();
      const stream = empty ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>);
      resolve(new Response(stream, { status: res.statusCode ?? 502, headers: toHeaders(res.headers) }));
    });
    req.end(body ?? undefined);
  });
}

/**
 * For `createAgentClient({ pinnedFetch })`: one keep-alive connection pool
 * per pinned fingerprint.
 *
 * @example
 * const agents = createAgentClient({ privateKey, publicKey, clock: Date.now, pinnedFetch: createPinnedFetch() });
 */
export function createPinnedFetch(): (tlsFingerprint: string) => typeof fetch {
  const agents = new Map<string, PinnedAgent>();
  return (tlsFingerprint) => {
    let agent = agents.get(tlsFingerprint);
    if (!agent) {
      agent = new PinnedAgent(tlsFingerprint);
      agents.set(tlsFingerprint, agent);
    }
    const pinned = agent;
    return ((input: RequestInfo | URL, init?: RequestInit) => pinnedRequest(pinned, input, init)) as typeof fetch;
  };
}
