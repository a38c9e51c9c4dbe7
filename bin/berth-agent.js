#!/usr/bin/env node
// Runs the TypeScript agent directly through tsx's loader.
import { register } from 'tsx/esm/api';

register();
await import('../agent/main.ts');
