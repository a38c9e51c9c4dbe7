import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Docker from 'dockerode';
import mysql from 'mysql2/promise';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmbeddedMysql } from '../../functions/node/embedded-mysql.ts';

const run = promisify(execFile);
const docker = new Docker();
const suffix = randomBytes(4).toString('hex');
const containerName = `berth-test-mysql-${suffix}`;
const volumeName = `berth-test-mysql-${suffix}`;
const dataDirs: string[] = [];

afterAll(async () => {
  await docker.getContainer(containerName).remove({ force: true }).catch(() => undefined);
  await docker.getVolume(volumeName).remove().catch(() => undefined);
  for (const dir of dataDirs) await rm(dir, { recursive: true, force: true });
});

describe('npm start: the embedded default', () => {
  it('runs MySQL in a container with a named volume, keeps its password in the data dir, and reuses both', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'berth-data-'));
    dataDirs.push(dataDir);
    const options = {
      docker,
      image: process.env.BERTH_TEST_MYSQL_IMAGE ?? 'berth-test/mariadb:latest',
      dataDir,
      containerName,
      volumeName,
      log: () => undefined,
      readyTimeoutMs: 120_000,
    };
    const first = await startEmbeddedMysql(options);
    const conn = await mysql.createConnection({ uri: first.appUrl });
    await conn.query('CREATE TABLE kept (v INT)');
    await conn.query('INSERT INTO kept VALUES (42)');
    await conn.end();
    expect((await stat(join(dataDir, 'mysql-root-password'))).mode & 0o777).toBe(0o600);

    // A restart of the container (as after a reboot) keeps the data in the volume.
    await docker.getContainer(containerName).restart();
    const second = await startEmbeddedMysql(options);
    expect(second.adminUrl).toBe((await startEmbeddedMysql(options)).adminUrl);
    const again = await mysql.createConnection({ uri: second.appUrl });
    const [rows] = await again.query('SELECT v FROM kept');
    await again.end();
    expect(rows).toEqual([{ v: 42 }]);
    const info = await docker.getContainer(containerName).inspect();
    expect(info.Mounts.some((m) => m.Name === volumeName && m.Destination === '/var/lib/mysql')).toBe(true);
    expect(info.HostConfig.PortBindings?.['3306/tcp']?.[0]?.HostIp).toBe('127.0.0.1');
  });

  it('exits with one clear sentence, not a stack trace, when Docker is unreachable', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'berth-data-'));
    dataDirs.push(dataDir);
    const failure = await run(process.execPath, ['bin/berth.js', 'start'], {
      env: { ...process.env, DATABASE_URL: '', BERTH_DOCKER_SOCKET: '/nonexistent/docker.sock', BERTH_DATA_DIR: dataDir },
    }).then(
      () => null,
      (err: { code: number; stderr: string }) => err,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stderr.trim()).toBe(
      'berth: Berth cannot reach Docker at /nonexistent/docker.sock: start the Docker engine (or set BERTH_DOCKER_SOCKET) and run npm start again.',
    );
  });
});
