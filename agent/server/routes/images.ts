import { Hono } from 'hono';
import { listImages } from '../../docker/images.ts';
import type { AgentEnv } from '../env.ts';

export const imageRoutes = new Hono<AgentEnv>().get('/', async (c) => c.json(await listImages(c.var.docker)));
