import { createAgentClient, type AgentClient } from '../../agent/client/agent-client.ts';
import { exportPrivateKeyPem, generateKeyPair, type KeyPair } from '../../agent/protocol/keys.ts';
import { users } from '../../db/schema.ts';
import { createApp } from '../../functions/app.ts';
import type { AppConfig, Clock, Logger } from '../../functions/app-env.ts';
import { hashPassword } from '../../functions/auth/password.ts';
import { createSession, sessionCookieName } from '../../functions/auth/sessions.ts';
import type { TestDatabase } from './database.ts';

export const testOrigin = 'http://berth.test';

export function testConfig(overrides: Partial<AppConfig> = {}): AppConfig {
  return {
    origins: [testOrigin],
    secureCookies: false,
    sessionIdleMs: 60 * 60_000,
    sessionAbsoluteMs: 24 * 60 * 60_000,
    sessionTouchIntervalMs: 5 * 60_000,
    agentTimeoutMs: 2000,
    // Cheap enough for hundreds of logins per test run; production uses N=2^17.
    passwordHashCost: { N: 2 ** 10, r: 8, p: 1 },
    ...overrides,
  };
}

/** A clock tests can move: `clock.advance(ms)`. */
export function testClock(start = Date.UTC(2026, 0, 1)): Clock & { advance(ms: number): void; set(ms: number): void } {
  let now = start;
  const clock = (() => now) as Clock & { advance(ms: number): void; set(ms: number): void };
  clock.advance = (ms) => {
    now += ms;
  };
  clock.set = (ms) => {
    now = ms;
  };
  return clock;
}

/** Collects server-side log lines so tests can assert on them. */
export function testLogger(): Logger & { lines: { level: string; message: string; detail?: Record<string, unknown> }[] } {
  const lines: { level: string; message: string; detail?: Record<string, unknown> }[] = [];
  return {
    lines,
    info: (message, detail) => lines.push({ level: 'info', message, detail }),
    error: (message, detail) => lines.push({ level: 'error', message, detail }),
  };
}

/** The control plane's key pair for a test, and a real signed agent client using it. */
export async function testAgentClient(clock: Clock = Date.now): Promise<{ keys: KeyPair; agents: AgentClient }> {
  const keys = await generateKeyPair();
  const agents = createAgentClient({
    privateKey: await exportPrivateKeyPem(keys.privateKey),
    publicKey: keys.publicKey.encoded,
    clock,
    timeoutMs: 5000,
  });
  return { keys, agents };
}

export interface TestAppOptions {
  db: TestDatabase;
  clock?: Clock;
  config?: Partial<AppConfig>;
  agents?: AgentClient;
  /** The public key of the control-plane key pair `agents` signs with (pass both, or neither). */
  controlPlanePublicKey?: string;
  clientAddress?: string;
}

/** A Berth app on a test database, plus request helpers that act like a browser on Berth's origin. */
export async function createTestApp(options: TestAppOptions) {
  const clock = options.clock ?? Date.now;
  const logger = testLogger();
  const generated = await testAgentClient(clock);
  const agents = options.agents ?? generated.agents;
  const background: Promise<unknown>[] = [];
  const app = createApp({
    db: options.db.db,
    agents,
    clock,
    config: testConfig(options.config),
    logger,
    clientAddress: (c) => c.req.header('X-Test-Client-Address') ?? options.clientAddress ?? '192.0.2.1',
    controlPlanePublicKey: options.controlPlanePublicKey ?? generated.keys.publicKey.encoded,
    runInBackground: (work) => {
      background.push(work);
    },
  });

  /** Waits for the work the app left running after its responses (e.g. a pull's outcome record); rejects if any failed. */
  async function settleBackground(): Promise<void> {
    while (background.length > 0) await Promise.all(background.splice(0));
  }

  /** A request from Berth's own page (same origin), with an optional session cookie. */
  function request(path: string, init: RequestInit & { cookie?: string; htmx?: boolean } = {}) {
    const headers = new Headers(init.headers);
    const method = (init.method ?? 'GET').toUpperCase();
    if (method !== 'GET' && method !== 'HEAD' && !headers.has('Origin')) headers.set('Origin', testOrigin);
    if (init.cookie) headers.set('Cookie', init.cookie);
    if (init.htmx) headers.set('HX-Request', 'true');
    return app.request(`${testOrigin}${path}`, { ...init, headers });
  }

  /** A POST of form fields from Berth's own page. */
  function postForm(path: string, fields: Record<string, string>, init: { cookie?: string; htmx?: boolean } = {}) {
    return request(path, { method: 'POST', body: new URLSearchParams(fields), ...init });
  }

  return { app, logger, agents, request, postForm, settleBackground };
}

async function insertTestUser(db: TestDatabase, username: string, role: 'admin' | 'user', passwordHash: string, now: number) {
  const [result] = await db.db.insert(users).values({ username, role, passwordHash, createdAt: new Date(now) });
  return result.insertId;
}

/**
 * Inserts a user directly (tests of other features do not go through the
 * register page) and returns it with a signed-in session cookie. The
 * password hash is a placeholder no password matches.
 */
export async function createSignedInUser(
  db: TestDatabase,
  username: string,
  role: 'admin' | 'user' = 'user',
  now = Date.now(),
): Promise<{ id: number; username: string; role: 'admin' | 'user'; cookie: string }> {
  const id = await insertTestUser(db, username, role, 'test-only:not-a-hash', now);
  const token = await createSession(db.db, id, now);
  return { id, username, role, cookie: `${sessionCookieName(testConfig())}=${token}` };
}

/** Inserts a user whose password works on the login page (hashed at the tests' cheap cost). */
export async function createUserWithPassword(
  db: TestDatabase,
  username: string,
  password: string,
  role: 'admin' | 'user' = 'user',
  now = Date.now(),
): Promise<{ id: number; username: string; role: 'admin' | 'user' }> {
  const id = await insertTestUser(db, username, role, await hashPassword(password, testConfig().passwordHashCost), now);
  return { id, username, role };
}
