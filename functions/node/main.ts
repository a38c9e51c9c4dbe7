/**
 * `npm start`: the embedded default. One process runs the control plane and a
 * local agent on the local Docker socket (bound to loopback, registered as
 * host `local`), with MySQL from DATABASE_URL or a container of its own.
 */
import { serve } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';
import { Hono } from 'hono';
import Docker from 'dockerode';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createAgentClient } from '../../agent/client/agent-client.ts';
import { loadOrCreateKeyFile } from '../../agent/server/key-file.ts';
import { startAgent } from '../../agent/server/start-agent.ts';
import { connectDatabase } from '../../db/client.ts';
import { accountOf, applyAppGrants } from '../../db/grants.ts';
import { applyMigrations } from '../../db/migrate.ts';
import { upsertHost } from '../../db/queries/hosts.ts';
import { createApp } from '../app.ts';
import { securityHeaders } from '../middleware/security-headers.ts';
import type { Logger } from '../app-env.ts';
import { readNodeConfig } from './config.ts';
import { startEmbeddedMysql } from './embedded-mysql.ts';
import { createPinnedFetch } from './pinned-fetch.ts';
import { startSyncTimer } from '../sync/sync-all-hosts.ts';
import { staticAssets } from './static-assets.ts';
import { StartupError } from './startup-error.ts';


const logger: Logger = {
  info: (message, detail) => console.log(JSON.stringify({ level: 'info', at: new Date().toISOString(), message, ...detail })),
  error: (message, detail) => console.error(JSON.stringify({ level: 'error', at: new Date().toISOString(), message, ...detail })),
};

const say = (message: string) => console.log(`berth: ${message}`);

async function dockerReachable(docker: Docker, socket: string): Promise<void> {
  try {
    await docker.ping();
  } catch {
    throw new StartupError(
      `Berth cannot reach Docker at ${socket}: start the Docker engine (or set BERTH_DOCKER_SOCKET) and run npm start again.`,
    );
  }
}

export async function startBerth(env: NodeJS.ProcessEnv = process.env) {
  const config = readNodeConfig(env);
  const docker = new Docker({ socketPath: config.dockerSocket });

  let adminUrl = config.adminDatabaseUrl;
  let appUrl = config.appDatabaseUrl;
  if (!adminUrl || !appUrl) {
    await dockerReachable(docker, config.dockerSocket);
    say('DATABASE_URL is not set, so Berth runs its own MySQL in a Docker container.');
    say('To use an existing MySQL instead, set DATABASE_URL=mysql://user:password@host:3306/berth.');
    ({ adminUrl, appUrl } = await startEmbeddedMysql({
      docker,
      image: config.mysqlImage,
      dataDir: config.dataDir,
      containerName: 'berth-mysql',
      volumeName: 'berth-mysql-data',
      log: say,
      readyTimeoutMs: 180_000,
    }));
  }

  say('Applying database migrations…');
  try {
    await applyMigrations(adminUrl);
  } catch (err) {
    throw new StartupError(`Berth could not prepare its database: ${(err as Error).message}`);
  }
  // With an owner account apart from the app's (the embedded MySQL's root, or
  // DATABASE_ADMIN_URL), the app's account is limited: the audit trail is
  // append-only for it. One account for both cannot be limited this way.
  if (adminUrl !== appUrl) {
    try {
      const { warnings } = await applyAppGrants(adminUrl, await accountOf(appUrl));
      warnings.forEach((w) => say(`warning: ${w}`));
    } catch (err) {
      throw new StartupError(`Berth could not set its database account's rights: ${(err as Error).message}`);
    }
  } else {
    say('warning: DATABASE_ADMIN_URL is not set, so Berth cannot make the audit trail append-only for its own account (see the README).');
  }
  const database = connectDatabase(appUrl);

  const controlPlaneKeys = await loadOrCreateKeyFile(join(config.dataDir, 'control-plane.key'));
  const agents = createAgentClient({
    privateKey: controlPlaneKeys.privateKey,
    publicKey: controlPlaneKeys.publicKey.encoded,
    clock: Date.now,
    timeoutMs: config.app.agentTimeoutMs,
    pinnedFetch: createPinnedFetch(),
  });

  let localAgent: Awaited<ReturnType<typeof startAgent>> | null = null;
  if (config.localAgent) {
    await dockerReachable(docker, config.dockerSocket);
    localAgent = await startAgent({
      listen: { host: '127.0.0.1', port: config.localAgentPort },
      dockerSocket: config.dockerSocket,
      keyFile: join(config.dataDir, 'agent.key'),
      controlPlanePublicKey: controlPlaneKeys.publicKey.encoded,
    });
    await upsertHost(database.db, {
      name: 'local',
      agentUrl: localAgent.url,
      agentPublicKey: localAgent.publicKey.encoded,
      createdAt: new Date(),
    });
    say(`Local agent on ${localAgent.url} (host "local").`);
  }

  const app = createApp({
    db: database.db,
    agents,
    clock: Date.now,
    config: config.app,
    logger,
    controlPlanePublicKey: controlPlaneKeys.publicKey.encoded,
    clientAddress: (c) =>
      (config.trustProxy ? c.req.header('X-Forwarded-For')?.split(',')[0]?.trim() : undefined) ??
      getConnInfo(c).remote.address ??
      null,
    runInBackground: (work) => {
      work.catch((err) => logger.error('background work failed', { error: (err as Error).stack ?? String(err) }));
    },
  });
  const root = new Hono();
  root.use('/static/*', securityHeaders(), await staticAssets());
  root.route('/', app);

  const server = serve({ fetch: root.fetch, port: config.port, hostname: config.listenHost });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const { port } = server.address() as AddressInfo;
  const url = `http://${config.listenHost === '0.0.0.0' ? 'localhost' : config.listenHost}:${port}`;
  say(`Berth is running on ${url}`);

  const sync = startSyncTimer({ db: database.db, agents, clock: Date.now, logger }, config.syncIntervalMs);

  return {
    url,
    async close() {
      await sync.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await localAgent?.close();
      await database.close();
    },
  };
}
