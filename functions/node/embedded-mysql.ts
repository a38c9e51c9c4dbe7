/**
 * The embedded default database: with no DATABASE_URL, Berth runs MySQL in a
 * container on the local Docker engine, its data in a named volume (as the
 * system Berth replaces did). Node-only, used by the Node entry alone.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type Docker from 'dockerode';
import mysql from 'mysql2/promise';
import { embeddedDatabaseLabel } from '../resources/labels.ts';

export interface EmbeddedMysqlOptions {
  docker: Docker;
  image: string;
  dataDir: string;
  containerName: string;
  volumeName: string;
  log: (message: string) => void;
  readyTimeoutMs: number;
}

/** Reads a secret kept in the data dir, creating it (mode 0600) on first use. */
async function persistentSecret(dataDir: string, name: string): Promise<string> {
  const file = join(dataDir, name);
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    const secret = randomBytes(24).toString('base64url');
    await writeFile(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
    return secret;
  }
}

async function ensureImage(docker: Docker, image: string, log: (m: string) => void): Promise<void> {
  try {
    await docker.getImage(image).inspect();
    return;
  } catch {
    log(`Pulling the MySQL image ${image} (set BERTH_MYSQL_IMAGE to use another one)…`);
  }
  try {
    const stream = await docker.pull(image);
    await new Promise<void>((resolve, reject) =>
      docker.modem.followProgress(stream, (err: Error | null) => (err ? reject(err) : resolve())),
    );
  } catch (err) {
    throw new Error(
      `Could not pull the MySQL image ${image} (${(err as Error).message}). ` +
        'Set BERTH_MYSQL_IMAGE to an image available on this Docker engine, or DATABASE_URL to an existing MySQL.',
    );
  }
}

async function ensureContainer(docker: Docker, o: EmbeddedMysqlOptions, rootPassword: string, appPassword: string) {
  const container = docker.getContainer(o.containerName);
  try {
    await container.inspect();
  } catch {
    await ensureImage(o.docker, o.image, o.log);
    o.log(`Creating the MySQL container ${o.containerName} with its data in the volume ${o.volumeName}…`);
    await docker.createContainer({
      name: o.containerName,
      Image: o.image,
      Env: [
        `MYSQL_ROOT_PASSWORD=${rootPassword}`,
        'MYSQL_DATABASE=berth',
        'MYSQL_USER=berth',
        `MYSQL_PASSWORD=${appPassword}`,
      ],
      Labels: { [embeddedDatabaseLabel.name]: embeddedDatabaseLabel.value },
      ExposedPorts: { '3306/tcp': {} },
      HostConfig: {
        // Loopback only, on a port Docker picks: nothing outside this machine reaches it.
        PortBindings: { '3306/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] },
        Binds: [`${o.volumeName}:/var/lib/mysql`],
        RestartPolicy: { Name: 'unless-stopped' },
      },
    });
  }
  const info = await container.inspect();
  if (!info.State.Running) {
    o.log(`Starting the MySQL container ${o.containerName}…`);
    await container.start();
  }
  const port = (await container.inspect()).NetworkSettings.Ports['3306/tcp']?.[0]?.HostPort;
  if (!port) throw new Error(`The MySQL container ${o.containerName} publishes no port for 3306.`);
  return Number(port);
}

async function waitUntilAccepting(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  while (Date.now() < deadline) {
    try {
      const connection = await mysql.createConnection({ uri: url, connectTimeout: 2000 });
      await connection.end();
      return;
    } catch (err) {
      lastError = (err as Error).message;
      if (/Access denied/.test(lastError)) {
        throw new Error(
          'The embedded MySQL refused the password kept in the data directory (was the data directory deleted but the volume kept?). ' +
            'Remove the container and volume, or set DATABASE_URL.',
        );
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  throw new Error(`The embedded MySQL did not accept connections within ${timeoutMs / 1000} s (${lastError}).`);
}

/** Starts (or reuses) the embedded MySQL and returns the owner and app URLs. */
export async function startEmbeddedMysql(o: EmbeddedMysqlOptions): Promise<{ adminUrl: string; appUrl: string }> {
  const rootPassword = await persistentSecret(o.dataDir, 'mysql-root-password');
  const appPassword = await persistentSecret(o.dataDir, 'mysql-app-password');
  const port = await ensureContainer(o.docker, o, rootPassword, appPassword);
  const adminUrl = `mysql://root:${encodeURIComponent(rootPassword)}@127.0.0.1:${port}/berth`;
  o.log(`Waiting for MySQL on 127.0.0.1:${port}…`);
  await waitUntilAccepting(adminUrl, o.readyTimeoutMs);
  return { adminUrl, appUrl: `mysql://berth:${encodeURIComponent(appPassword)}@127.0.0.1:${port}/berth` };
}
