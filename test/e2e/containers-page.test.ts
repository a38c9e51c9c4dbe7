// The /containers page in a real browser against Berth as `npm start` runs it:
// htmx swaps rows, removes them, and shows results and errors in the message
// area, under the strict CSP.
import Dockerode from 'dockerode';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { STOPPABLE, IMAGE } from '../containers/support.ts';
import { createSignedInUser } from '../support/app.ts';
import { launchBrowser, screenshot } from './support/browser.ts';
import { startTestBerth, type RunningBerth } from './support/berth-server.ts';

const docker = new Dockerode();
const prefix = `berth-t-e2e-${crypto.randomUUID().slice(0, 8)}`;
let berth: RunningBerth;
let browser: Browser;
let page: Page;
/** Script errors and CSP violations ("Refused to …") seen in the page. */
const problems: string[] = [];

beforeAll(async () => {
  berth = await startTestBerth();
  browser = await launchBrowser();
  const alice = await createSignedInUser(berth.db, 'alice');
  const [name, value] = alice.cookie.split('=') as [string, string];
  const context = await browser.newContext();
  await context.addCookies([{ name, value, url: berth.url }]);
  page = await context.newPage();
  page.on('console', (message) => {
    // The refused actions' 4xx answers are logged by the browser as failed loads: expected here.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('dialog', (dialog) => void dialog.accept());
});

afterAll(async () => {
  await browser?.close();
  const ours = await docker.listContainers({ all: true, filters: { name: [prefix] } });
  await Promise.all(ours.map((container) => docker.getContainer(container.Id).remove({ force: true }).catch(() => {})));
  await berth?.close();
});

const within = { timeout: 15_000 };

test('create, stop, a refused duplicate, a refused commit, and remove, all in the page', async () => {
  const imageId = (await docker.getImage(IMAGE).inspect()).Id;
  const name = `${prefix}-page`;
  // The first visit syncs the host: what exists, our image included, is public.
  await page.goto(`${berth.url}/containers`);
  await page.getByText('Create a container').click();
  await page.locator('#create-image').selectOption(imageId);
  await page.locator('input[name=command]').fill(STOPPABLE);
  await page.locator('input[name=name]').fill(name);
  await page.locator('textarea[name=ports]').fill('127.0.0.1::80');
  await page.getByRole('button', { name: 'Create', exact: true }).click();

  const row = page.locator('#container-rows tr', { hasText: name });
  const messages = page.locator('#messages');
  await expect.poll(() => row.count(), within).toBe(1);
  await expect.poll(() => messages.textContent(), within).toContain(`Created and started ${name}.`);
  expect(await row.textContent()).toMatch(/Up /);
  await screenshot(page, 'containers-created');

  await row.getByRole('button', { name: 'Stop' }).click();
  await expect.poll(() => row.textContent(), within).toMatch(/Exited/);
  await expect.poll(() => messages.textContent(), within).toContain(`${name}: Stopped.`);

  // Docker refuses the same name again: the message shows, no row is added.
  await page.getByRole('button', { name: 'Create', exact: true }).click();
  await expect.poll(() => messages.textContent(), within).toMatch(/is already in use/);
  expect(await row.count()).toBe(1);

  await row.getByText('Commit', { exact: true }).first().click();
  await row.locator('input[name=image]').fill('Not A Name');
  await row.getByRole('button', { name: 'Commit' }).click();
  await expect.poll(() => messages.textContent(), within).toMatch(/contains a space or other whitespace/);
  expect(await row.count()).toBe(1);

  await row.getByRole('button', { name: 'Remove' }).click();
  await expect.poll(() => row.count(), within).toBe(0);
  await expect.poll(() => messages.textContent(), within).toContain(`${name}: Removed.`);
  expect(problems).toEqual([]);
});
