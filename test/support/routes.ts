import type { Hono } from 'hono';
import { isUnsafeMethod } from '../../functions/middleware/unsafe-methods.ts';

export interface UnsafeRoute {
  method: string;
  /** The route's pattern, e.g. `/containers/:id/start`. */
  pattern: string;
  /** The pattern with every parameter replaced by an id that names nothing. */
  path: string;
}

const nonexistent = ['999999999', 'f0f0f0f0f0f0', 'nonexistent'];

/** A value for `:name` or `:name{regex}` that satisfies its constraint and names nothing. */
function fillParam(_match: string, _name: string, constraint: string | undefined): string {
  if (!constraint) return nonexistent[0]!;
  const re = new RegExp(`^(?:${constraint})$`);
  const value = nonexistent.find((v) => re.test(v));
  if (!value) throw new Error(`No nonexistent id fits the route parameter pattern {${constraint}}: add one to test/support/routes.ts.`);
  return value;
}

/**
 * Every state-changing route the app serves (middleware entries, which Hono
 * lists with method ALL, are left out), each with a request path that names
 * nothing. New routes are picked up as they are added.
 */
export function unsafeRoutes(app: Hono<any>): UnsafeRoute[] {
  const seen = new Map<string, UnsafeRoute>();
  for (const { method, path: pattern } of app.routes) {
    if (method === 'ALL' || !isUnsafeMethod(method)) continue;
    const path = pattern.replace(/:(\w+)(?:\{((?:[^{}]|\{[^{}]*\})+)\})?\??/g, fillParam).replace(/\*/g, 'nonexistent');
    seen.set(`${method} ${pattern}`, { method, pattern, path });
  }
  return [...seen.values()];
}
