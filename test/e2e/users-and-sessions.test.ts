// Users and sessions in a real browser against Berth as `npm start` runs it:
// the first account becomes the admin, the next cannot, and a logged-out
// browser gets nothing back — not by the back button, not by a typed URL.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { register, signedInAs, logout } from './support/accounts.ts';
import { startTestBerth, type RunningBerth } from './support/berth-server.ts';
import { launchBrowser, newBrowserContext, screenshot } from './support/browser.ts';

let berth: RunningBerth;
let browser: Browser;
const problems: string[] = [];

beforeAll(async () => {
  [berth, browser] = await Promise.all([startTestBerth(), launchBrowser()]);
});

afterAll(async () => {
  await browser?.close();
  await berth?.close();
});

async function newPage(): Promise<{ context: BrowserContext; page: Page }> {
  const { context, problems: seen } = await newBrowserContext(browser, berth.url);
  // One list for the file: every page's script errors fail the last test.
  context.on('close', () => problems.push(...seen));
  return { context, page: await context.newPage() };
}

describe('users and sessions', () => {
  let admin: { context: BrowserContext; page: Page };
  let user: { context: BrowserContext; page: Page };

  test('the first account asks to be administrator and becomes it', async () => {
    admin = await newPage();
    const { page } = admin;
    await page.goto('/');
    // Not signed in: every page sends the browser to login.
    expect(new URL(page.url()).pathname).toBe('/login');

    await page.goto('/register');
    await expect.poll(() => page.locator('#admin-help').textContent()).toContain('the first account that asks becomes one');
    await register(page, 'ada', { admin: true });
    await expect.poll(() => page.locator('#users tbody tr').count()).toBe(1);
    expect(await page.locator('#users tbody tr').first().textContent()).toContain('admin');
    // The admin sees the Hosts page in the navigation.
    expect(await page.getByRole('link', { name: 'Hosts' }).count()).toBe(1);
  });

  test('a second account cannot become administrator: the box is gone, a forged one refused, and so is promoting oneself', async () => {
    user = await newPage();
    const { page } = user;
    await page.goto('/register');
    expect(await page.locator('#admin-help').textContent()).toContain('Berth already has an administrator');
    expect(await page.getByLabel('Administrator').count()).toBe(0);
    // The box sent anyway, as a crafted form would: refused, and no account made.
    const forged = await page.evaluate(async () => {
      const response = await fetch('/register', { method: 'POST', body: new URLSearchParams({ username: 'bob', password: 'bob password 1', admin: '1' }) });
      return { status: response.status, text: await response.text() };
    });
    expect(forged.status).toBe(403);
    expect(forged.text).toContain('Berth already has an administrator');

    await register(page, 'bob');
    expect(await signedInAs(page)).toBe('bob (user)');
    // A user sees only their own row, no admin actions and no Hosts page.
    expect(await page.locator('#users tbody tr').count()).toBe(1);
    expect(await page.locator('#users tbody tr').textContent()).toContain('bob');
    expect(await page.locator('#users button').count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Hosts' }).count()).toBe(0);

    // What a user could try by hand from the page: the admin's own routes answer 403.
    const bobId = Number(await page.locator('#users tbody tr td').first().textContent());
    const promote = await page.evaluate(async (id) => (await fetch(`/users/${id}/promote`, { method: 'POST' })).status, bobId);
    expect(promote).toBe(403);
    const hosts = await page.goto('/hosts');
    expect(hosts?.status()).toBe(403);
    await page.goto('/');
    expect(await signedInAs(page)).toBe('bob (user)');

    // The admin sees both accounts, bob as a user.
    await admin.page.reload();
    const bobRow = admin.page.locator('#users tbody tr', { hasText: 'bob' });
    await expect.poll(() => bobRow.locator('td').nth(2).textContent()).toBe('user');
    await screenshot(admin.page, 'home');
  });

  test('after logout, the back button and a typed URL both land on the login page', async () => {
    const { page } = user;
    await page.goto('/audit');
    await page.goto('/');
    await logout(page);

    await page.goBack();
    await page.waitForURL((url) => url.pathname === '/login');
    expect(await page.getByTestId('current-user').count()).toBe(0);

    for (const path of ['/', '/audit', '/containers', '/images', '/logs', '/account']) {
      await page.goto(path);
      expect(new URL(page.url()).pathname, path).toBe('/login');
      expect(await page.getByRole('heading', { name: 'Log in' }).count(), path).toBe(1);
    }
    // The admin's browser is unaffected by bob's logout.
    await admin.page.reload();
    expect(await signedInAs(admin.page)).toBe('ada (admin)');
  });

  test('the admin sees the local host up on the Hosts page', async () => {
    const { page } = admin;
    await page.goto('/hosts');
    const status = page.locator('#host-rows tr[data-host="local"] .host-status');
    expect(await status.getAttribute('data-status')).toBe('up');
    await screenshot(page, 'hosts');
    await admin.context.close();
    await user.context.close();
    expect(problems).toEqual([]);
  });
});
