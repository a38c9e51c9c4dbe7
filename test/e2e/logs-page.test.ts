// The live log view in a real browser, under the strict CSP: htmx's SSE
// extension appends lines, the page script keeps at most 2000 of them, log
// text never runs as markup, and the end of the stream shows a notice.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test, vi } from 'vitest';
import { claimResource } from '../../db/queries/resources.ts';
import type { Host } from '../../db/schema.ts';
import { sessionCookieName } from '../../functions/auth/sessions.ts';
import { staticAssets } from '../../functions/node/static-assets.ts';
import { docker, IMAGE, logTestKit } from '../logs/support.ts';
import { startTestAgentHost, type TestAgentHost } from '../support/agent-host.ts';
import { createSignedInUser, createTestApp, testAgentClient, testConfig } from '../support/app.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { launchBrowser, screenshot } from './support/browser.ts';

const kit = logTestKit('logs-e2e');
let db: TestDatabase;
let host: Host;
let local: TestAgentHost;
let server: ServerType;
let origin: string;
let browser: Browser;
let page: Page;
/** Script errors and CSP violations ("Refused to …") seen in the page. */
const problems: string[] = [];
/** What the page fetched, for the failure message when lines do not come. */
const network: string[] = [];
let appLogger: { lines: { level: string; message: string }[] };

beforeAll(async () => {
  await vi.waitFor(() => docker.getImage(IMAGE).inspect(), { timeout: 170_000, interval: 1_000 });
  db = await createTestDatabase();
  const { keys, agents } = await testAgentClient();
  local = await startTestAgentHost({ db, agents, keys, name: `e2e-${kit.runId}` });
  host = local.host;
  const alice = await createSignedInUser(db, 'alice');

  // Served here rather than by the shared npm-start server: the last test cuts its connections.
  let handle: (request: Request) => Response | Promise<Response> = () => new Response('starting', { status: 503 });
  server = serve({ fetch: (request) => handle(request), port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { app, logger } = await createTestApp({ db, agents, config: { origins: [origin] } });
  appLogger = logger;
  const root = new Hono();
  root.use('/static/*', await staticAssets());
  root.route('/', app);
  handle = root.fetch;

  browser = await launchBrowser();
  const context = await browser.newContext();
  const [name, value] = alice.cookie.split('=') as [string, string];
  expect(name).toBe(sessionCookieName(testConfig()));
  await context.addCookies([{ name, value, url: origin }]);
  // The SSE extension arrives after htmx, as on a slow network: the live view must still connect.
  await context.route('**/static/hx-sse.min.js', async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 300));
    await route.continue();
  });
  page = await context.newPage();
  page.on('console', (message) => {
    // Berth serves no favicon; the browser's own request for one is not the page's doing.
    if (message.type() === 'error' && !message.location().url.endsWith('/favicon.ico')) problems.push(`${message.text()} ${message.location().url}`);
  });
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()} ${response.url()}`);
  });
  page.on('request', (request) => network.push(`${Date.now()} → ${request.url()}`));
  page.on('requestfinished', (request) => network.push(`${Date.now()} ✓ ${request.url()}`));
  page.on('requestfailed', (request) => network.push(`${Date.now()} ✗ ${request.url()} ${request.failure()?.errorText}`));
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
  await local?.close();
  await kit.cleanup();
  await db?.drop();
});

/** A container of alice's (in Berth's records), running `script`. */
async function aliceContainer(script: string) {
  const container = await kit.runContainer({ script, wait: 'running' });
  const info = await container.inspect();
  await claimResource(db.db, {
    hostId: host.id,
    kind: 'container',
    dockerId: info.Id,
    workspace: 'alice',
    origin: 'platform',
    createdBy: 'alice',
    name: info.Name.slice(1),
    createdAt: new Date(),
  });
  return { container, id: info.Id };
}

test('live lines append, the page keeps the last 2000, markup in the log stays text, and the end shows a notice', async () => {
  const { container, id } = await aliceContainer(
    [
      'seq 1 2500',
      `echo '<img src=x onerror="document.title=1">'`,
      `printf '\\033[32mgreen\\033[0m\\r\\n'`,
      'while [ ! -f /tmp/more ]; do sleep 0.05; done',
      'seq 2501 3000',
      'while [ ! -f /tmp/stop ]; do sleep 0.05; done',
      'echo bye >&2',
    ].join('; '),
  );
  const touch = async (file: string) => {
    const run = await container.exec({ Cmd: ['touch', file] });
    await run.start({ Detach: true });
  };
  const lines = page.locator('#log-output .log-line');

  await page.goto(`${origin}/logs/${host.name}/${id}?opts=1&stdout=1&stderr=1&follow=1&tail=all`);
  const title = await page.title();
  // History is capped at what the page keeps: lines 503…2500 and the two crafted ones.
  await expect
    .poll(() => lines.count(), { timeout: 45_000 })
    .toBe(2000)
    .catch(async (error: unknown) => {
      // Say what the page shows instead (a notice, an error) when the lines do not come.
      const output = (await page.locator('#log-output').innerHTML()).slice(0, 500);
      const messages = await page.locator('#messages').textContent();
      const logged = appLogger.lines.map((line) => `${line.level} ${line.message}`).join('; ');
      throw new Error(`${String(error)}\nmessages: ${messages}\noutput: ${output}\nproblems: ${problems.join('; ')}\nnetwork:\n${network.join('\n')}\nserver log: ${logged}`);
    });
  await expect.poll(() => lines.last().textContent(), { timeout: 20_000 }).toBe('green\r');
  expect(await lines.first().textContent()).toBe('503');
  expect(await page.locator('#log-output img').count()).toBe(0);
  expect(await lines.nth(1998).textContent()).toBe('<img src=x onerror="document.title=1">');
  expect(await page.locator('#log-output .ansi-fg-green').textContent()).toBe('green');

  await touch('/tmp/more');
  await expect.poll(() => lines.last().textContent(), { timeout: 20_000 }).toBe('3000');
  expect(await lines.count()).toBe(2000);
  expect(await lines.first().textContent()).toBe('1003');
  await screenshot(page, 'logs-live');

  await touch('/tmp/stop');
  await expect.poll(() => page.locator('#log-output .log-end').textContent(), { timeout: 20_000 }).toBe('The container stopped: the live log has ended.');
  expect(await page.locator('#log-output .log-stderr').last().textContent()).toBe('bye');
  expect(await lines.count()).toBe(2000);
  expect(await page.title()).toBe(title);
  expect(problems).toEqual([]);
});

test('a live view whose connection to Berth breaks says so', async () => {
  const { id } = await aliceContainer('echo waiting; sleep 3600');
  await page.goto(`${origin}/logs/${host.name}/${id}?opts=1&stdout=1&follow=1`);
  await expect.poll(() => page.locator('#log-output .log-line').textContent(), { timeout: 20_000 }).toBe('waiting');
  (server as Server).closeAllConnections();
  await expect.poll(() => page.locator('#log-output .log-end').textContent(), { timeout: 20_000 }).toBe(
    'The live log stopped: the connection to Berth was lost. Reload the page to follow it again.',
  );
});
