/**
 * Berth's settings for the Node entry, read once from the environment.
 * Every variable is listed in the README's configuration table.
 */
import type { AppConfig } from '../app-env.ts';
import { defaultScryptCost } from '../auth/password.ts';
import { StartupError } from './startup-error.ts';

export interface NodeConfig {
  app: AppConfig;
  port: number;
  listenHost: string;
  dataDir: string;
  /** Owner account: runs migrations. Same as appDatabaseUrl unless DATABASE_ADMIN_URL is set. */
  adminDatabaseUrl: string | null;
  appDatabaseUrl: string | null;
  mysqlImage: string;
  dockerSocket: string;
  localAgent: boolean;
  localAgentPort: number;
  syncIntervalMs: number;
  trustProxy: boolean;
}

const minutes = 60_000;

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new StartupError(`${name} must be a whole number, not "${raw}".`);
  return value;
}

export function readNodeConfig(env: NodeJS.ProcessEnv): NodeConfig {
  const port = integer(env, 'PORT', 8080);
  const origins = (env.BERTH_ORIGIN ?? `http://localhost:${port},http://127.0.0.1:${port}`)
    .split(',')
    .map((o) => o.trim().replace(/\/+$/, ''))
    .filter(Boolean);
  for (const origin of origins) {
    if (!/^https?:\/\/[^/\s]+$/.test(origin)) throw new StartupError(`BERTH_ORIGIN has "${origin}", which is not scheme://host[:port].`);
  }
  const appDatabaseUrl = env.DATABASE_URL || null;
  return {
    app: {
      origins,
      secureCookies: origins.every((o) => o.startsWith('https://')),
      sessionIdleMs: integer(env, 'BERTH_SESSION_IDLE_MINUTES', 12 * 60) * minutes,
      sessionAbsoluteMs: integer(env, 'BERTH_SESSION_MAX_HOURS', 7 * 24) * 60 * minutes,
      sessionTouchIntervalMs: 5 * minutes,
      agentTimeoutMs: integer(env, 'BERTH_AGENT_TIMEOUT_MS', 2000),
      passwordHashCost: defaultScryptCost,
    },
    port,
    listenHost: env.BERTH_LISTEN_HOST || '127.0.0.1',
    dataDir: env.BERTH_DATA_DIR || '.berth',
    appDatabaseUrl,
    adminDatabaseUrl: env.DATABASE_ADMIN_URL || appDatabaseUrl,
    mysqlImage: env.BERTH_MYSQL_IMAGE || 'mysql:8.4',
    dockerSocket: env.BERTH_DOCKER_SOCKET || '/var/run/docker.sock',
    localAgent: env.BERTH_LOCAL_AGENT !== 'off',
    localAgentPort: integer(env, 'BERTH_LOCAL_AGENT_PORT', 7171),
    syncIntervalMs: integer(env, 'BERTH_SYNC_INTERVAL_MS', 5000),
    trustProxy: env.BERTH_TRUST_PROXY === '1' || env.BERTH_TRUST_PROXY === 'true',
  };
}
