import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HTTPException } from 'hono/http-exception';
import { applyMigrations } from '../../db/migrate.ts';
import { createSignedInUser, createTestApp } from '../support/app.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
});

describe('control plane foundation', () => {
  it('reports the database up on /healthz, with no session needed', async () => {
    const { request } = await createTestApp({ db });
    const res = await request('/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'up', database: { status: 'up' }, hosts: [] });
  });

  it('applies migrations idempotently, from several instances at once', async () => {
    await Promise.all([applyMigrations(db.url), applyMigrations(db.url), applyMigrations(db.url)]);
    const [rows] = await db.db.execute('SELECT COUNT(*) AS n FROM __drizzle_migrations');
    const applied = Number((rows as unknown as { n: number }[])[0]?.n);
    expect(applied).toBeGreaterThan(0);
    await applyMigrations(db.url);
    const [again] = await db.db.execute('SELECT COUNT(*) AS n FROM __drizzle_migrations');
    expect(Number((again as unknown as { n: number }[])[0]?.n)).toBe(applied);
  });

  it('sends strict security headers on every response', async () => {
    const { request } = await createTestApp({ db });
    for (const path of ['/healthz', '/login', '/no-such-page']) {
      const res = await request(path);
      expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(res.headers.get('content-security-policy')).not.toContain('unsafe');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('same-origin');
    }
  });

  it('serves pages in standards mode: they begin with the HTML doctype', async () => {
    const { request } = await createTestApp({ db });
    for (const path of ['/login', '/register']) {
      expect((await (await request(path)).text()).startsWith('<!DOCTYPE html><html lang="en">'), path).toBe(true);
    }
  });

  it('renders an unexpected error as a page with a request id and no stack trace, logged on the server', async () => {
    const { app, request, logger } = await createTestApp({ db });
    app.get('/boom-for-test', () => {
      throw new Error('secret internal detail');
    });
    const user = await createSignedInUser(db, 'errorpage');
    const res = await request('/boom-for-test', { cookie: user.cookie });
    expect(res.status).toBe(500);
    const html = await res.text();
    const requestId = res.headers.get('x-request-id');
    expect(requestId).toBeTruthy();
    expect(html).toContain(`request id ${requestId}`);
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).not.toContain('secret internal detail');
    expect(html).not.toMatch(/at .*\.ts:\d+/);
    expect(logger.lines.some((l) => l.level === 'error' && JSON.stringify(l.detail).includes('secret internal detail'))).toBe(true);
  });

  it('turns an HTTPException into a notice for htmx requests, aimed at the message area', async () => {
    const { app, request } = await createTestApp({ db });
    app.get('/teapot-for-test', () => {
      throw new HTTPException(418, { message: 'No <coffee> here' });
    });
    const user = await createSignedInUser(db, 'htmxerror');
    const res = await request('/teapot-for-test', { cookie: user.cookie, htmx: true });
    expect(res.status).toBe(418);
    expect(res.headers.get('hx-retarget')).toBe('#messages');
    expect(await res.text()).toContain('No &lt;coffee&gt; here');
  });
});
