import type { MiddlewareHandler } from 'hono';
import { NDJSON_CONTENT_TYPE } from '../protocol/ndjson.ts';
import { agentError } from './agent-error.ts';
import type { AgentEnv } from './env.ts';

export interface IdempotentCommandsOptions {
  /** How long a finished command's result is kept for repeats. */
  ttlMs: number;
  /** Upper bound on remembered commands, running ones included. */
  maxEntries: number;
  clock: () => number;
}

/** A finished command as replayed to repeats; `body: null` marks a stream, which cannot be replayed. */
interface CommandResult {
  status: number;
  contentType: string | null;
  body: Uint8Array<ArrayBuffer> | null;
}

interface CommandEntry {
  /** Method, path, actor and body digest: a command id names one request, never two. */
  fingerprint: string;
  /** Running commands never expire; finished ones `ttlMs` after they finished. */
  expiresAt: number;
  result: Promise<CommandResult>;
}

/**
 * Makes non-GET requests idempotent by command id: a repeat gets the first
 * result instead of acting again, and a repeat that arrives while the first
 * is still running waits for it. Mount after requireSignedRequest, so only
 * signed requests can claim an id.
 *
 * @example
 * app.use(idempotentCommands({ ttlMs: 10 * 60_000, maxEntries: 10_000, clock: Date.now }));
 */
export function idempotentCommands({ ttlMs, maxEntries, clock }: IdempotentCommandsOptions): MiddlewareHandler<AgentEnv> {
  const entries = new Map<string, CommandEntry>();

  function sweep(now: number): void {
    for (const [commandId, entry] of entries) {
      if (entry.expiresAt < now) entries.delete(commandId);
    }
  }

  return async function idempotentCommands(c, next) {
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    const { commandId, actor, bodyDigest } = c.var.signedRequest;
    const url = new URL(c.req.url);
    const fingerprint = [c.req.method, url.pathname + url.search, actor, bodyDigest].join('\n');

    // From here to entries.set there is no await: two concurrent repeats cannot both act.
    const now = clock();
    const existing = entries.get(commandId);
    if (existing && existing.expiresAt >= now) {
      if (existing.fingerprint !== fingerprint) {
        const { status, body } = agentError(409, 'command-id-conflict', `Command id ${commandId} was already used for a different request.`);
        return c.json(body, status);
      }
      const first = await existing.result;
      if (first.body === null) {
        const { status, body } = agentError(409, 'command-already-streamed', `Command ${commandId} already ran as a stream, which cannot be replayed.`);
        return c.json(body, status);
      }
      return new Response(first.body.length === 0 ? null : first.body, {
        status: first.status,
        headers: first.contentType ? { 'content-type': first.contentType } : {},
      });
    }
    if (entries.size >= maxEntries) sweep(now);
    if (entries.size >= maxEntries) {
      const { status, body } = agentError(503, 'command-cache-full', 'Too many commands in flight or remembered; retry shortly.');
      return c.json(body, status);
    }

    let settle!: (result: CommandResult) => void;
    let abandon!: (error: unknown) => void;
    const result = new Promise<CommandResult>((resolve, reject) => {
      settle = resolve;
      abandon = reject;
    });
    // Repeats await this; with none waiting, a failure must not become an unhandled rejection.
    result.catch(() => {});
    const entry: CommandEntry = { fingerprint, expiresAt: Number.POSITIVE_INFINITY, result };
    entries.set(commandId, entry);
    try {
      await next();
    } catch (error) {
      entries.delete(commandId);
      abandon(error);
      throw error;
    }
    const contentType = c.res.headers.get('content-type');
    let body: Uint8Array<ArrayBuffer> | null = null;
    if (!contentType?.startsWith(NDJSON_CONTENT_TYPE)) {
      body = new Uint8Array(await c.res.arrayBuffer());
      c.res = new Response(body.length === 0 ? null : body, c.res);
    }
    entry.expiresAt = clock() + ttlMs;
    settle({ status: c.res.status, contentType, body });
  };
}
