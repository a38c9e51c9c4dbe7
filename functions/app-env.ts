import type { Context } from 'hono';
import type { AgentClient } from '../agent/client/agent-client.ts';
import type { Database } from '../db/client.ts';
import type { ScryptCost } from './auth/password.ts';

/** Milliseconds since the epoch; injected so tests can move time. */
export type Clock = () => number;

export interface AppConfig {
  /** Origins the page is served from (scheme://host[:port]); unsafe requests from any other are refused. */
  origins: string[];
  /** Set when the public origin is https: cookies get `Secure` and the `__Host-` prefix. */
  secureCookies: boolean;
  sessionIdleMs: number;
  sessionAbsoluteMs: number;
  /** `last_verified_at` is written at most this often. */
  sessionTouchIntervalMs: number;
  /** Bound on an agent call for lists and status. */
  agentTimeoutMs: number;
  /** scrypt cost for new password hashes (`defaultScryptCost` in production; tests use a cheap one). */
  passwordHashCost: ScryptCost;
}

export interface Logger {
  info(message: string, detail?: Record<string, unknown>): void;
  error(message: string, detail?: Record<string, unknown>): void;
}

export interface CurrentUser {
  id: number;
  username: string;
  role: 'admin' | 'user';
}

/** Everything a Berth app instance needs; the app holds no other state. */
export interface AppDeps {
  db: Database;
  agents: AgentClient;
  clock: Clock;
  config: AppConfig;
  logger: Logger;
  /** The client's address as the runtime sees it (socket, or a trusted proxy header). */
  clientAddress: (c: Context) => string | null;
  /** The control plane's public key (base64url), shown to admins to start new agents with. */
  controlPlanePublicKey: string;
  runInBackground: RunInBackground;
}

/**
 * Keeps work going after the response is sent (a pull's outcome is recorded
 * when the pull ends, watched or not). Node: the promise just runs on, its
 * failure logged; Workers: `ctx.waitUntil`. The promise must not reject
 * unhandled: callers catch what they can, the runtime logs the rest.
 */
export type RunInBackground = (work: Promise<unknown>) => void;

export type AppEnv = {
  Variables: {
    db: Database;
    agents: AgentClient;
    clock: Clock;
    config: AppConfig;
    logger: Logger;
    runInBackground: RunInBackground;
    clientAddress: string | null;
    requestId: string;
    user: CurrentUser | null;
    sessionId: string | null;
    controlPlanePublicKey: string;
  };
};
