/**
 * Debian's Chromium driven by playwright-core: headless, no sandbox (root in
 * CI), no background networking (the machine has no outside network). Never
 * a downloaded browser.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const screenshotDir = join('test-output', 'screenshots');

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/**
 * A fresh browser profile (its own cookies) at a laptop's size, which is
 * also the size of the README's screenshots. `problems` collects script
 * errors and CSP refusals seen in any of its pages.
 */
export async function newBrowserContext(browser: Browser, baseURL: string): Promise<{ context: BrowserContext; problems: string[] }> {
  const context = await browser.newContext({ baseURL, viewport: { width: 1280, height: 800 }, acceptDownloads: true });
  const problems: string[] = [];
  context.on('page', (page) => watchForProblems(page, problems));
  // Confirmation prompts (hx-confirm) are answered yes: the tests choose to act.
  context.on('dialog', (dialog) => void dialog.accept());
  return { context, problems };
}

function watchForProblems(page: Page, problems: string[]): void {
  page.on('pageerror', (error) => problems.push(`${page.url()}: ${error.message}`));
  page.on('console', (message) => {
    // Refused actions answer 4xx, which Chromium logs as a failed load: expected, and asserted in the page instead.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      problems.push(`${page.url()}: ${message.text()}`);
    }
  });
}

/**
 * Saves the page under test-output/screenshots/NAME.png at the viewport's
 * width (1280): the viewport (800 high) by default, or from the top down to
 * `height` pixels of the page (less if the page is shorter) when what
 * matters is further down.
 */
export async function screenshot(page: Page, name: string, options: { height?: number } = {}): Promise<string> {
  await mkdir(screenshotDir, { recursive: true });
  const path = join(screenshotDir, `${name}.png`);
  if (options.height === undefined) {
    await page.screenshot({ path });
  } else {
    const pageHeight = await page.evaluate(() => document.documentElement.scrollHeight);
    const { width } = page.viewportSize() ?? { width: 1280 };
    await page.screenshot({ path, fullPage: true, clip: { x: 0, y: 0, width, height: Math.min(pageHeight, options.height) } });
  }
  return path;
}
