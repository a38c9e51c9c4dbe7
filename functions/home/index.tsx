import { Hono } from 'hono';
import type { AppEnv } from '../app-env.ts';
import { renderHomePage } from './home-page.tsx';

export const homeRoutes = new Hono<AppEnv>().get('/', (c) => renderHomePage(c));
