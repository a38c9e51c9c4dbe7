/** Registering, logging in and out through the pages, as a person would. */
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

export const testPassword = 'correct horse battery staple';

/** The name and role the page header shows for whoever is signed in. */
export async function signedInAs(page: Page): Promise<string> {
  return ((await page.getByTestId('current-user').textContent()) ?? '').replace(/\s+/g, ' ').trim();
}

/** Fills the register form; `admin` ticks the Administrator box. Does not wait for the outcome. */
export async function submitRegistration(page: Page, username: string, options: { admin?: boolean } = {}): Promise<void> {
  await page.goto('/register');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(testPassword);
  if (options.admin) await page.getByLabel('Administrator').check();
  await page.getByRole('button', { name: 'Register' }).click();
}

/** Registers and waits for the home page with that user signed in. */
export async function register(page: Page, username: string, options: { admin?: boolean } = {}): Promise<void> {
  await submitRegistration(page, username, options);
  await page.waitForURL((url) => url.pathname === '/');
  expect(await signedInAs(page)).toBe(`${username} (${options.admin ? 'admin' : 'user'})`);
}

export async function login(page: Page, username: string): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(testPassword);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL((url) => url.pathname === '/');
}

export async function logout(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Log out' }).click();
  await page.waitForURL((url) => url.pathname === '/login');
}
