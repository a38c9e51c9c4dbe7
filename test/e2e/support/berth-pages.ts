/**
 * The containers and images pages as a person uses them: rows found by what
 * they show, actions by their buttons, results read from the message area.
 * Every wait is on a condition in the page.
 */
import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';

/** Long enough for Docker to stop a container (up to its 10 s grace period) or commit a layer. */
export const actionTimeout = { timeout: 30_000 };

/** The message area's text once it contains `text`. */
export async function expectMessage(page: Page, text: string | RegExp): Promise<void> {
  const matcher = typeof text === 'string' ? expect.stringContaining(text) : expect.stringMatching(text);
  await expect.poll(async () => (await page.locator('#messages').textContent()) ?? '', actionTimeout).toEqual(matcher);
}

/** Opens the row's `<details>` whose summary reads `summary`, unless it is open already (a form that swaps nothing leaves it open). */
async function openDetails(row: Locator, summary: string): Promise<void> {
  const details = row.locator('details').filter({ has: row.page().locator('summary', { hasText: new RegExp(`^${summary}$`) }) });
  if (!(await details.evaluate((element: HTMLDetailsElement) => element.open))) await details.locator('summary').click();
}

// ---- Containers ----

/** The row of the container named `name` on the containers page. */
export function containerRow(page: Page, name: string): Locator {
  return page.locator('#container-rows tr').filter({ has: page.getByRole('cell', { name, exact: true }) });
}

/** The Status column of a container row (Docker's "Up 3 seconds", "Exited (0) …"). */
export async function statusOf(row: Locator): Promise<string> {
  return ((await row.locator('td').nth(5).textContent()) ?? '').trim();
}

export interface NewContainer {
  /** Text of the image's option in the form (one of its tags). */
  image: string;
  name: string;
  command?: string;
  ports?: string;
  start: boolean;
}

/** Creates a container with the form on the containers page; returns its full id once its row is there. */
export async function createContainer(page: Page, container: NewContainer): Promise<string> {
  // A fresh page: the form's image list is the one of now.
  await page.goto('/containers');
  const form = page.locator('form[hx-post="/containers"]');
  await page.getByText('Create a container').click();
  const option = page.locator('#create-image option', { hasText: container.image });
  await expect.poll(() => option.count()).toBeGreaterThan(0);
  await page.locator('#create-image').selectOption((await option.first().getAttribute('value')) ?? '');
  await form.getByLabel('Command').fill(container.command ?? '');
  await form.getByLabel('Name').fill(container.name);
  await form.getByLabel('Ports').fill(container.ports ?? '');
  await form.getByLabel('Start it now').setChecked(container.start);
  await form.getByRole('button', { name: 'Create', exact: true }).click();
  const row = containerRow(page, container.name);
  await row.waitFor(actionTimeout);
  return (await row.getAttribute('data-container-id')) ?? '';
}

/** Presses a container row's action button and waits for Docker's answer in the message area. */
export async function containerAction(page: Page, name: string, button: string, done: string): Promise<void> {
  await containerRow(page, name).getByRole('button', { name: button, exact: true }).click();
  await expectMessage(page, `${name}: ${done}`);
}

/** Commits a container to `reference` from its row; returns the new image's short id as the message gives it. */
export async function commitContainer(page: Page, name: string, reference: string): Promise<void> {
  const row = containerRow(page, name);
  await openDetails(row, 'Commit');
  await row.getByLabel('New image repository:tag').fill(reference);
  await row.getByRole('button', { name: 'Commit', exact: true }).click();
  await expectMessage(page, `Committed ${name} to ${reference}`);
}

// ---- Images ----

/** The row of the image carrying the tag `reference` on the images page. */
export function imageRow(page: Page, reference: string): Locator {
  return page.locator('#image-rows tr').filter({ has: page.locator('ul.tags li', { hasText: new RegExp(`^${escapeRegExp(reference)}\\s`) }) });
}

export function imageRowById(page: Page, id: string): Locator {
  return page.locator(`#image-rows tr[data-image-id="${id}"]`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The tags a row lists, in order. */
export async function tagsOf(row: Locator): Promise<string[]> {
  return (await row.locator('ul.tags li').allTextContents()).map((text) => text.replace(/×\s*$/, '').trim());
}

/** Workspace column of an image row. */
export async function imageWorkspaceOf(row: Locator): Promise<string> {
  return ((await row.locator('td').nth(4).textContent()) ?? '').trim();
}

export async function addTag(page: Page, row: Locator, tag: string): Promise<void> {
  await openDetails(row, 'Add tag');
  await row.getByPlaceholder('repository:tag').fill(tag);
  await row.getByRole('button', { name: 'Add tag', exact: true }).click();
  await expectMessage(page, `as ${tag}.`);
}

export async function removeTag(page: Page, row: Locator, tag: string): Promise<void> {
  await row.getByRole('button', { name: `Remove the tag ${tag}`, exact: true }).click();
  await expectMessage(page, `Removed the tag ${tag}`);
}

/**
 * Waits for the message of an image removal and checks what it says:
 * exactly these tags untagged, these images deleted, these kept. Docker
 * names deleted layers in the same list, so other ids may be there too.
 */
export async function expectRemoval(page: Page, outcome: { untagged: string[]; deleted: string[]; kept?: string[] }): Promise<void> {
  await expectMessage(page, /^Removed .*\.$/);
  const message = ((await page.locator('#messages').textContent()) ?? '').trim();
  const untagged = /untagged ([^;]*?)(?:;|\.$)/.exec(message)?.[1]?.split(', ') ?? [];
  const deleted = /deleted ([^;]*?)\.$/.exec(message)?.[1]?.split(', ') ?? [];
  const short = (id: string) => id.replace(/^sha256:/, '').slice(0, 12);
  expect(untagged.toSorted(), message).toEqual(outcome.untagged.toSorted());
  expect(deleted, message).toEqual(expect.arrayContaining(outcome.deleted.map(short)));
  for (const id of outcome.kept ?? []) expect(deleted, message).not.toContain(short(id));
}

export type RemoveMode = { force: boolean; prune: boolean };

/** Opens a row's Remove form, sets the two boxes to the mode and presses Remove image. */
export async function removeImage(row: Locator, mode: RemoveMode): Promise<void> {
  await openDetails(row, 'Remove');
  await row.getByLabel('Force').setChecked(mode.force);
  await row.getByLabel('Also remove untagged parents').setChecked(mode.prune);
  await row.getByRole('button', { name: 'Remove image', exact: true }).click();
}
