#!/usr/bin/env node
// Runs Berth's TypeScript sources directly (through tsx): no build step.
import { register } from 'tsx/esm/api';

register();
await import('../functions/node/cli.ts');
