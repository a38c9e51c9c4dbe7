// The /containers page in a real browser: htmx swaps rows, removes them, and
// shows results and errors in the message area, under the strict CSP.
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { staticAssets } from '../../functions/node/static-assets.ts';
import { sessionCookieName } from '../../functions/auth/sessions.ts';
import { createTestApp, testConfig } from '../support/app.ts';
import { startContainersTestbed, STOPPABLE, type ContainersTestbed } from '../containers/support.ts';

let t: ContainersTestbed;
let server: ServerType;
let origin: string;
let browser: Browser;
let page: Page;
/** Script errors and CSP violations ("Refused to …") seen in the page. */
const problems: string[] = [];

beforeAll(async () => {
  t = await startContainersTestbed('e2e');
  // Listen first: the app must know its own origin for the CSRF check.
  let handle: (request: Request) => Response | Promise<Response> = () => new Response('starting', { status: 503 });
  server = serve({ fetch: (request) => handle(request), port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { app } = await createTestApp({ db: t.db, agents: t.agents, config: { origins: [origin] } });
  const root = new Hono();
  root.use('/static/*', await staticAssets());
  root.route('/', app);
  handle = root.fetch;

  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-background-networking'] });
  const context = await browser.newContext();
  const [name, value] = t.alice.cookie.split('=') as [string, string];
  expect(name).toBe(sessionCookieName(testConfig()));
  await context.addCookies([{ name, value, url: origin }]);
  page = await context.newPage();
  page.on('console', (message) => {
    // The refused actions' 4xx answers are logged by the browser as failed loads: expected here.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('dialog', (dialog) => void dialog.accept());
  // The first sync makes our image public, so alice can pick it.
  await page.goto(`${origin}/containers`);
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
  await t?.close();
});

test('create, stop, a refused duplicate, a refused commit, and remove, all in the page', async () => {
  const name = `${t.prefix}-page`;
  await page.goto(`${origin}/containers`);
  await page.getByText('Create a container').click();
  await page.locator('#create-image').selectOption(t.imageId);
  await page.locator('input[name=command]').fill(STOPPABLE);
  await page.locator('input[name=name]').fill(name);
  await page.locator('textarea[name=ports]').fill('127.0.0.1::80');
  await page.getByRole('button', { name: 'Create', exact: true }).click();

  const row = page.locator('#container-rows tr', { hasText: name });
  await expect.poll(() => row.count(), { timeout: 15_000 }).toBe(1);
  await expect.poll(() => page.locator('#messages').textContent(), { timeout: 15_000 }).toContain(`Created and started ${name}.`);
  expect(await row.textContent()).toMatch(/Up /);

  await row.getByRole('button', { name: 'Stop' }).click();
  await expect.poll(() => row.textContent(), { timeout: 15_000 }).toMatch(/Exited/);
  await expect.poll(() => page.locator('#messages').textContent(), { timeout: 15_000 }).toContain(`${name}: Stopped.`);

  // Docker refuses the same name again: the message shows, no row is added.
  await page.getByRole('button', { name: 'Create', exact: true }).click();
  await expect.poll(() => page.locator('#messages').textContent(), { timeout: 15_000 }).toMatch(/is already in use/);
  expect(await row.count()).toBe(1);

  await row.getByText('Commit', { exact: true }).first().click();
  await row.locator('input[name=image]').fill('Not A Name');
  await row.getByRole('button', { name: 'Commit' }).click();
  await expect.poll(() => page.locator('#messages').textContent(), { timeout: 15_000 }).toMatch(/not a valid repository name/);
  expect(await row.count()).toBe(1);

  await row.getByRole('button', { name: 'Remove' }).click();
  await expect.poll(() => row.count(), { timeout: 15_000 }).toBe(0);
  await expect.poll(() => page.locator('#messages').textContent(), { timeout: 15_000 }).toContain(`${name}: Removed.`);
  expect(problems).toEqual([]);
});
