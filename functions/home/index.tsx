import { Hono } from 'hono';
import type { AppEnv } from '../app-env.ts';
import { Layout } from '../../views/layout.tsx';

export const homeRoutes = new Hono<AppEnv>().get('/', (c) => {
  const user = c.get('user');
  return c.html(
    <Layout title="Home" user={user}>
      <h1>Berth</h1>
    </Layout>,
  );
});
