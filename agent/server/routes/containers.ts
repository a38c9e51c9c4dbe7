import { Hono } from 'hono';
import { listContainers } from '../../docker/containers.ts';
import type { AgentEnv } from '../env.ts';

export const containerRoutes = new Hono<AgentEnv>().get('/', async (c) => c.json(await listContainers(c.var.docker)));
