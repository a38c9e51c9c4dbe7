import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { MiddlewareHandler } from 'hono';

const require = createRequire(import.meta.url);

/** The page's assets, served from installed packages: never from a CDN. */
const assets: Record<string, { file: string; type: string }> = {
  '/static/htmx.min.js': { file: require.resolve('htmx.org/dist/htmx.min.js'), type: 'text/javascript' },
  '/static/hx-sse.min.js': { file: require.resolve('htmx.org/dist/ext/hx-sse.min.js'), type: 'text/javascript' },
  '/static/pico.classless.min.css': {
    file: require.resolve('@picocss/pico/css/pico.classless.min.css'),
    type: 'text/css',
  },
  '/static/berth.css': { file: fileURLToPath(new URL('../../views/static/berth.css', import.meta.url)), type: 'text/css' },
  '/static/log-viewer.js': { file: fileURLToPath(new URL('../../views/static/log-viewer.js', import.meta.url)), type: 'text/javascript' },
};

/** Serves the fixed asset list from memory, read once at start. */
export async function staticAssets(): Promise<MiddlewareHandler> {
  const loaded = new Map<string, { body: Uint8Array; type: string }>();
  for (const [path, { file, type }] of Object.entries(assets)) {
    loaded.set(path, { body: new Uint8Array(await readFile(file)), type });
  }
  return async function serveStaticAsset(c, next) {
    const asset = loaded.get(c.req.path);
    if (!asset) return next();
    c.header('Content-Type', `${asset.type}; charset=utf-8`);
    c.header('Cache-Control', 'public, max-age=3600');
    return c.body(asset.body as Uint8Array<ArrayBuffer>);
  };
}
