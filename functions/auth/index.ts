import { Hono } from 'hono';
import type { AppEnv } from '../app-env.ts';
import { loginRoutes } from './login-routes.tsx';
import { registerRoutes } from './register-routes.tsx';

/** Login, logout and registration: the routes reachable without a session. */
export const authRoutes = new Hono<AppEnv>().route('/', loginRoutes).route('/', registerRoutes);
