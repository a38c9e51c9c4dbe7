import { sql } from 'drizzle-orm';
import { Hono } from 'hono';
import type { AppEnv } from '../app-env.ts';
import { askAllHosts } from '../hosts/host-client.ts';
import { hostStatusOf } from '../hosts/host-status.ts';

/**
 * `GET /healthz`: the database and every host's agent, checked in parallel
 * with the status timeout. 200 when the database answers (a host being down
 * or failing verification is reported, not fatal); 503 when it does not.
 */
export const healthRoutes = new Hono<AppEnv>().get('/', async (c) => {
  try {
    await c.get('db').execute(sql`SELECT 1`);
  } catch (err) {
    c.get('logger').error('health: database unreachable', { error: String(err) });
    return c.json({ status: 'down', database: { status: 'down', message: 'The database does not answer.' }, hosts: [] }, 503);
  }
  const timeoutMs = c.get('config').agentTimeoutMs;
  const answers = await askAllHosts(c, (client) => client.info({ timeoutMs }));
  const hosts = answers.map(({ host, result }) =>
    result.ok
      ? { name: host.name, status: 'up' as const, dockerVersion: result.data.dockerVersion }
      : { name: host.name, status: hostStatusOf(result), message: result.message },
  );
  return c.json({ status: 'up', database: { status: 'up' }, hosts });
});
