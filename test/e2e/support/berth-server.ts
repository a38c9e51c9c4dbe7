/**
 * Berth as `npm start` runs it — control plane, local agent over the signed
 * channel, real MySQL, real Docker — in this process, on a fresh database
 * and a free port.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBerth } from '../../../functions/node/main.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';

/** A port nothing listens on now, on loopback. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface RunningBerth {
  url: string;
  db: TestDatabase;
  close(): Promise<void>;
}

export async function startTestBerth(): Promise<RunningBerth> {
  const db = await createTestDatabase();
  const dataDir = await mkdtemp(join(tmpdir(), 'berth-e2e-'));
  const port = await freePort();
  const berth = await startBerth({
    ...process.env,
    DATABASE_URL: db.url,
    DATABASE_ADMIN_URL: '',
    PORT: String(port),
    BERTH_ORIGIN: `http://127.0.0.1:${port}`,
    BERTH_DATA_DIR: dataDir,
    BERTH_LOCAL_AGENT_PORT: '0',
  });
  return {
    url: `http://127.0.0.1:${port}`,
    db,
    async close() {
      await berth.close();
      await db.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
