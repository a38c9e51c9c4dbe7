/**
 * The Workers entry: the same app, its MySQL reached through Hyperdrive, its
 * keys and settings from Worker secrets and vars. Each request builds its own
 * dependencies: Workers keep no connection between requests.
 */
import { createAgentClient } from '../../agent/client/agent-client.ts';
import { connectDatabase } from '../../db/client.ts';
import { createApp } from '../app.ts';

export interface WorkerEnv {
  HYPERDRIVE: { connectionString: string };
  /** The control plane's Ed25519 private key (PKCS#8 PEM), a secret. */
  BERTH_CONTROL_PLANE_PRIVATE_KEY: string;
  BERTH_CONTROL_PLANE_PUBLIC_KEY: string;
  /** Comma-separated public origins, e.g. `https://berth.example.com`. */
  BERTH_ORIGIN: string;
}

const minutes = 60_000;

/**
 * OWASP's equivalent scrypt setting with 32 MiB instead of 128 MiB of memory
 * per hash (N=2^15, r=8, p=3): a Worker isolate has 128 MB in all.
 */
const workersScryptCost = { N: 2 ** 15, r: 8, p: 3 };

export default {
  async fetch(request: Request, env: WorkerEnv, ctx: { waitUntil(p: Promise<unknown>): void }): Promise<Response> {
    const database = connectDatabase(env.HYPERDRIVE.connectionString, { connectionLimit: 1, disableEval: true });
    const logger = {
      info: (message: string, detail?: Record<string, unknown>) => console.log(JSON.stringify({ level: 'info', message, ...detail })),
      error: (message: string, detail?: Record<string, unknown>) => console.error(JSON.stringify({ level: 'error', message, ...detail })),
    };
    // Work that outlives the response (a pull's outcome) needs the database until it ends.
    const background: Promise<unknown>[] = [];
    const origins = env.BERTH_ORIGIN.split(',').map((o) => o.trim());
    const app = createApp({
      db: database.db,
      agents: createAgentClient({
        privateKey: env.BERTH_CONTROL_PLANE_PRIVATE_KEY,
        publicKey: env.BERTH_CONTROL_PLANE_PUBLIC_KEY,
        clock: Date.now,
        timeoutMs: 2000,
      }),
      clock: Date.now,
      config: {
        origins,
        secureCookies: origins.every((o) => o.startsWith('https://')),
        sessionIdleMs: 12 * 60 * minutes,
        sessionAbsoluteMs: 7 * 24 * 60 * minutes,
        sessionTouchIntervalMs: 5 * minutes,
        agentTimeoutMs: 2000,
        passwordHashCost: workersScryptCost,
      },
      logger,
      clientAddress: (c) => c.req.header('CF-Connecting-IP') ?? null,
      controlPlanePublicKey: env.BERTH_CONTROL_PLANE_PUBLIC_KEY,
      runInBackground: (work) => {
        background.push(work.catch((err) => logger.error('background work failed', { error: String(err) })));
      },
    });
    const response = await app.fetch(request, env);
    // Work left running after the response (a pull's outcome) and a streamed body
    // (CSV export, live logs) still read from the pool: close it when both are done.
    if (!response.body) {
      ctx.waitUntil(Promise.allSettled(background).then(() => database.close()));
      return response;
    }
    const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
    ctx.waitUntil(Promise.allSettled([response.body.pipeTo(writable), ...background]).then(() => database.close()));
    return new Response(readable, response);
  },
};
