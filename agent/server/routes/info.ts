import { Hono } from 'hono';
import { getAgentInfo } from '../../docker/info.ts';
import type { AgentEnv } from '../env.ts';

export const infoRoutes = new Hono<AgentEnv>().get('/', async (c) => c.json(await getAgentInfo(c.var.docker, c.var.agentId)));
