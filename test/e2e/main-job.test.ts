// Berth's main job, end to end in Chromium against Berth as `npm start` runs
// it (control plane, local agent over the signed channel, real MySQL, real
// Docker, the local registry): a user pulls nginx, runs it with a port and a
// command, reads and follows its logs, operates and commits it, tags and
// removes images in the four modes; another user sees none of it; a
// container made outside Berth shows up for the admin only; the admin finds
// all of it in the audit trail and exports it.
//
// The tests run in order and build on each other (one Berth per file); each
// names what it needs from the ones before in `job`.
import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { register } from './support/accounts.ts';
import { freePort, startTestBerth, type RunningBerth } from './support/berth-server.ts';
import {
  actionTimeout,
  addTag,
  commitContainer,
  containerAction,
  containerRow,
  createContainer,
  expectMessage,
  expectRemoval,
  imageRow,
  imageRowById,
  imageWorkspaceOf,
  removeImage,
  removeTag,
  statusOf,
  tagsOf,
} from './support/berth-pages.ts';
import { launchBrowser, newBrowserContext, screenshot } from './support/browser.ts';
import {
  REGISTRY,
  deleteFromRegistry,
  docker,
  pushNginxVariant,
  removeEverythingNamed,
  startSlowRegistryLink,
  uniquePrefix,
} from './support/docker.ts';

const NGINX = `${REGISTRY}/berth-test/nginx:latest`;

let berth: RunningBerth;
let browser: Browser;
const prefix = uniquePrefix();
const contexts: BrowserContext[] = [];
const problems: string[] = [];
const cleanup: (() => Promise<void>)[] = [];
/** Image ids the test saw made, so cleanup finds them untagged too. */
const madeImages = new Set<string>();

/** What the scenarios hand on to each other. */
const job = {
  startedAt: new Date(),
  web: `${prefix}-web`,
  webId: '',
  webPort: 0,
  snapshot: `${prefix}-snap:v1`,
  snapshotId: '',
  outside: `${prefix}-outside`,
  outsideId: '',
};

let ada: Page; // the admin
let dora: Page; // the user who does the job
let eve: Page; // another user

async function signedInBrowser(username: string, admin = false): Promise<Page> {
  const { context, problems: seen } = await newBrowserContext(browser, berth.url);
  contexts.push(context);
  context.on('close', () => problems.push(...seen));
  const page = await context.newPage();
  await register(page, username, { admin });
  return page;
}

beforeAll(async () => {
  // The audit filter's lower bound below: the whole minute the job starts in (no record of dora's can be
  // older), so the form's datetime-local fields always show how they drop zero seconds.
  job.startedAt = new Date(Math.floor(Date.now() / 60_000) * 60_000);
  [berth, browser] = await Promise.all([startTestBerth(), launchBrowser()]);
  ada = await signedInBrowser('ada', true);
  dora = await signedInBrowser('dora');
  eve = await signedInBrowser('eve');
});

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => {});
  await browser?.close();
  await berth?.close();
  for (const step of cleanup.toReversed()) await step().catch(() => {});
  await removeEverythingNamed(prefix, [...madeImages]);
});

/** A page served by the container through its mapped port, with a marker that shows up in its access log. */
async function fetchThroughPort(marker: string): Promise<string> {
  const url = `http://127.0.0.1:${job.webPort}/?probe=${marker}`;
  let body = '';
  await expect
    .poll(async () => {
      const response = await fetch(url).catch(() => null);
      body = response?.ok ? await response.text() : '';
      return body;
    }, actionTimeout)
    .toContain('berth-test nginx');
  return body;
}

function accessLine(marker: string): RegExp {
  return new RegExp(`"GET /\\?probe=${marker} HTTP/1\\.1" 200 `);
}

/** The text of every log line in the page, in order. */
async function logLines(page: Page): Promise<string[]> {
  return page.locator('#log-output .log-line .log-text').allTextContents();
}

describe('a user does the main job', () => {
  test('pulls nginx from the local registry, watching the progress bar', async () => {
    // The nginx layers are in the engine already (berth-test/nginx:latest, which other test files use, is
    // the same image), so this real pull only fetches the manifest and ends in an instant.
    const hadTag = await docker
      .getImage(NGINX)
      .inspect()
      .then(() => true)
      .catch(() => false);
    if (!hadTag) cleanup.push(() => docker.getImage(NGINX).remove().then(() => undefined));

    await dora.goto('/images');
    await dora.getByLabel('Reference').fill(NGINX);
    await dora.getByRole('button', { name: 'Pull', exact: true }).click();
    const panel = dora.locator('#pulls article.pull', { hasText: NGINX });
    await panel.waitFor();
    expect(await panel.locator('progress').first().isVisible()).toBe(true);
    await expect.poll(() => panel.locator('progress[data-pull-state]').getAttribute('data-pull-state'), actionTimeout).toBe('done');
    expect(await panel.getByTestId('pull-percent').textContent()).toBe('100%');
    // The list reloads itself when the pull ends: the image is there, shared with everyone.
    const row = imageRow(dora, NGINX);
    await row.waitFor(actionTimeout);
    expect(await imageWorkspaceOf(row)).toBe('public');
  });

  test('sees a pull that downloads a layer in progress, over a slow link to the registry', async () => {
    // A variant of nginx with 12 MB of its own, behind a 3 MB/s link: a few seconds of real download.
    const variant = await pushNginxVariant(`${prefix}-nginx-big`, 12_000_000);
    cleanup.push(() => deleteFromRegistry(variant.repository));
    const link = await startSlowRegistryLink(3_000_000);
    cleanup.push(() => link.close());
    const reference = `${link.address}/${variant.repository}:latest`;

    await dora.goto('/images');
    await dora.getByLabel('Reference').fill(reference);
    await dora.getByRole('button', { name: 'Pull', exact: true }).click();
    const panel = dora.locator('#pulls article.pull', { hasText: reference });
    const bar = panel.locator('progress[data-pull-state]');
    // Caught while it runs: a layer part-way through its download, the overall bar between the ends.
    await expect
      .poll(async () => {
        const state = await bar.getAttribute('data-pull-state').catch(() => null);
        const downloading = await panel.locator('.pull-layers li', { hasText: /Downloading [\d.]+ [kM]?B \// }).count();
        return state === 'running' && downloading > 0;
      }, actionTimeout)
      .toBe(true);
    const percent = Number.parseInt((await panel.getByTestId('pull-percent').textContent()) ?? '', 10);
    expect(percent).toBeGreaterThan(0);
    expect(percent).toBeLessThan(100);
    expect(await panel.locator('.pull-layers li', { hasText: 'Already exists' }).count()).toBeGreaterThan(0);
    await screenshot(dora, 'images-pull', { height: 1100 });

    await expect.poll(() => bar.getAttribute('data-pull-state'), { timeout: 60_000 }).toBe('done');
    await imageRow(dora, reference).waitFor(actionTimeout);
    madeImages.add((await imageRow(dora, reference).getAttribute('data-image-id')) ?? '');
  });

  test('creates a container from it with a port mapping and a command, starts it, and gets a page through the port', async () => {
    job.webPort = await freePort();
    // Shell-style quoting, nested: the echo proves the command ran as given.
    const command = `sh -c "echo 'berth e2e: starting nginx'; exec nginx -g 'daemon off;'"`;
    await dora.goto('/containers');
    job.webId = await createContainer(dora, {
      image: NGINX,
      name: job.web,
      command,
      ports: `127.0.0.1:${job.webPort}:80`,
      start: false,
    });
    await expectMessage(dora, `Created ${job.web}.`);
    const row = containerRow(dora, job.web);
    expect(await statusOf(row)).toBe('Created');
    expect(await row.locator('td.command').textContent()).toContain('exec nginx');
    expect(((await row.locator('td').nth(7).textContent()) ?? '').trim()).toBe('dora');

    await containerAction(dora, job.web, 'Start', 'Started.');
    await expect.poll(() => statusOf(row), actionTimeout).toMatch(/^Up /);
    // Docker lists a container's published ports while it runs.
    expect(await row.locator('td.ports').textContent()).toBe(`127.0.0.1:${job.webPort}→80/tcp`);
    expect(await fetchThroughPort(`${prefix}-first`)).toContain('<h1>berth-test nginx</h1>');
    await dora.reload();
    await containerRow(dora, job.web).waitFor();
    await screenshot(dora, 'containers', { height: 1000 });
  });

  test("reads the container's logs: the command's line and the access line, exactly as written", async () => {
    await dora.goto('/containers');
    await containerRow(dora, job.web).getByRole('link', { name: 'Logs' }).click();
    await dora.waitForURL((url) => url.pathname === `/logs/local/${job.webId}`);
    await expect.poll(() => logLines(dora), actionTimeout).toEqual(
      expect.arrayContaining([expect.stringMatching(accessLine(`${prefix}-first`))]),
    );
    const lines = await logLines(dora);
    expect(lines[0]).toBe('berth e2e: starting nginx');
    // No stream-header bytes, no replacement characters: printable ASCII only, as nginx and echo wrote it.
    for (const line of lines) expect(line).toMatch(/^[\x20-\x7e]*$/);

    // The download holds the same lines, byte for byte.
    const [download] = await Promise.all([dora.waitForEvent('download'), dora.getByRole('button', { name: 'Download .log' }).click()]);
    const file = await readFile((await download.path()) ?? '', 'utf8');
    expect(file.split('\n').filter((line) => line !== '')).toEqual(lines);
  });

  test('follows the log live and sees the line of a new request appear', async () => {
    await dora.getByLabel('follow live').check();
    await dora.getByRole('button', { name: 'Show', exact: true }).click();
    await dora.waitForURL((url) => url.searchParams.get('follow') === '1');
    // History first (tail), then live lines.
    await expect.poll(() => logLines(dora), actionTimeout).toEqual(expect.arrayContaining([expect.stringMatching(accessLine(`${prefix}-first`))]));
    expect(await logLines(dora).then((lines) => lines.some((line) => accessLine(`${prefix}-live`).test(line)))).toBe(false);

    await fetchThroughPort(`${prefix}-live`);
    await expect.poll(() => logLines(dora), actionTimeout).toEqual(expect.arrayContaining([expect.stringMatching(accessLine(`${prefix}-live`))]));
    await screenshot(dora, 'logs', { height: 1400 });
  });

  test('stops, starts, restarts and kills it', async () => {
    await dora.goto('/containers');
    const row = containerRow(dora, job.web);
    await containerAction(dora, job.web, 'Stop', 'Stopped.');
    await expect.poll(() => statusOf(row), actionTimeout).toMatch(/^Exited \(0\)/);
    expect(await fetch(`http://127.0.0.1:${job.webPort}/`).then(() => 'answered', () => 'refused')).toBe('refused');

    await containerAction(dora, job.web, 'Start', 'Started.');
    await expect.poll(() => statusOf(row), actionTimeout).toMatch(/^Up /);
    await containerAction(dora, job.web, 'Restart', 'Restarted.');
    await expect.poll(() => statusOf(row), actionTimeout).toMatch(/^Up /);
    await fetchThroughPort(`${prefix}-restarted`);

    await containerAction(dora, job.web, 'Kill', 'Killed.');
    await expect.poll(() => statusOf(row), actionTimeout).toMatch(/^Exited \(137\)/);
  });

  test('commits it to name:tag, and the new image is hers', async () => {
    await commitContainer(dora, job.web, job.snapshot);
    await dora.goto('/images');
    const row = imageRow(dora, job.snapshot);
    await row.waitFor();
    expect(await imageWorkspaceOf(row)).toBe('dora');
    job.snapshotId = (await row.getAttribute('data-image-id')) ?? '';
    madeImages.add(job.snapshotId);
  });
});

describe('another user sees none of it', () => {
  test("eve's lists leave out dora's container and image, and the admin's show them as hers", async () => {
    await eve.goto('/containers');
    await eve.locator('#container-rows').waitFor();
    expect(await eve.locator(`#container-rows tr[data-container-id="${job.webId}"]`).count()).toBe(0);
    expect(await containerRow(eve, job.web).count()).toBe(0);
    await eve.goto('/images');
    expect(await imageRowById(eve, job.snapshotId).count()).toBe(0);
    // Pulled images are public: eve sees nginx.
    expect(await imageRow(eve, NGINX).count()).toBe(1);
    await eve.goto('/logs');
    expect(await eve.getByRole('link', { name: job.web }).count()).toBe(0);

    await ada.goto('/containers');
    expect(((await containerRow(ada, job.web).locator('td').nth(7).textContent()) ?? '').trim()).toBe('dora');
    await ada.goto('/images');
    expect(await imageWorkspaceOf(imageRowById(ada, job.snapshotId))).toBe('dora');
  });

  test('direct URLs to them answer 404, and nothing happens', async () => {
    for (const path of [`/containers/local/${job.webId}`, `/logs/local/${job.webId}`, `/logs/local/${job.webId}/download`]) {
      const response = await eve.goto(path);
      expect(response?.status(), path).toBe(404);
    }
    await eve.goto('/');
    const tries = await eve.evaluate(
      async ({ webId, snapshotId }) => {
        const form = (fields: Record<string, string>) => ({ body: new URLSearchParams(fields) });
        const calls: [string, RequestInit][] = [
          [`/containers/local/${webId}/start`, { method: 'POST' }],
          [`/containers/local/${webId}?force=1`, { method: 'DELETE' }],
          [`/containers/local/${webId}/commit`, { method: 'POST', ...form({ image: 'stolen:v1' }) }],
          [`/images/local/${encodeURIComponent(snapshotId)}/tags`, { method: 'POST', ...form({ tag: 'stolen:v1' }) }],
          [`/images/local/${encodeURIComponent(snapshotId)}?force=1&prune=1`, { method: 'DELETE' }],
        ];
        return Promise.all(calls.map(async ([url, init]) => `${init.method} ${url.split('?')[0]} ${(await fetch(url, init)).status}`));
      },
      { webId: job.webId, snapshotId: job.snapshotId },
    );
    for (const line of tries) expect(line).toMatch(/ 404$/);

    // Both are still there, untouched.
    await dora.goto('/images');
    expect(await tagsOf(imageRowById(dora, job.snapshotId))).toEqual([job.snapshot]);
    await dora.goto('/containers');
    expect(await statusOf(containerRow(dora, job.web))).toMatch(/^Exited \(137\)/);
  });
});

describe('the user tags and removes images in the four modes', () => {
  // Two families, each an untagged parent with two children (one with two tags),
  // so every mode shows what it does to tags, to the image, and to its parent.
  const family = (n: number) => ({
    parent: n === 1 ? job.snapshot : `${prefix}-parent${n}:v1`,
    builder: `${prefix}-builder${n}`,
    single: `${prefix}-single${n}:v1`,
    double: [`${prefix}-double${n}:v1`, `${prefix}-double${n}:v2`],
  });
  const ids: Record<string, string> = {};

  async function idOf(reference: string): Promise<string> {
    const id = (await imageRow(dora, reference).getAttribute('data-image-id')) ?? '';
    madeImages.add(id);
    return (ids[reference] = id);
  }

  test('adds a tag and removes it again', async () => {
    await dora.goto('/images');
    const row = imageRowById(dora, job.snapshotId);
    await addTag(dora, row, `${prefix}-snap:extra`);
    await expect.poll(() => tagsOf(row)).toEqual(expect.arrayContaining([job.snapshot, `${prefix}-snap:extra`]));
    await removeTag(dora, row, `${prefix}-snap:extra`);
    await expect.poll(() => tagsOf(row)).toEqual([job.snapshot]);
  });

  test('builds two families: a committed parent, children committed from a container of it, the parent untagged', async () => {
    await dora.goto('/containers');
    await commitContainer(dora, job.web, family(2).parent);
    for (const n of [1, 2]) {
      const f = family(n);
      await createContainer(dora, { image: f.parent, name: f.builder, command: 'true', start: false });
      await dora.goto('/containers');
      await commitContainer(dora, f.builder, f.single);
      await commitContainer(dora, f.builder, f.double[0]!);
      await containerRow(dora, f.builder).getByRole('button', { name: 'Remove', exact: true }).click();
      await expectMessage(dora, `${f.builder}: Removed.`);

      await dora.goto('/images');
      await idOf(f.parent);
      await idOf(f.single);
      const double = imageRow(dora, f.double[0]!);
      ids[f.double[1]!] = await idOf(f.double[0]!);
      await addTag(dora, double, f.double[1]!);
      // Untagged, the parent stays: its children need it. Docker then lists it no more.
      await removeTag(dora, imageRow(dora, f.parent), f.parent);
      await expectMessage(dora, `Removed the tag ${f.parent}: untagged ${f.parent}.`);
    }
  });

  async function expectGone(id: string): Promise<void> {
    await dora.reload();
    expect(await imageRowById(dora, id).count()).toBe(0);
    expect(await docker.getImage(id).inspect().then(() => 'present', () => 'gone')).toBe('gone');
  }

  async function expectKept(id: string): Promise<void> {
    expect(await docker.getImage(id).inspect().then(() => 'present', () => 'gone')).toBe('present');
  }

  test('remove: refuses an image with two tags, deletes one with a single tag and keeps its parent', async () => {
    const f = family(1);
    await dora.goto('/images');
    await removeImage(imageRow(dora, f.double[0]!), { force: false, prune: false });
    await expectMessage(dora, /must be forced/);
    expect(await imageRow(dora, f.double[0]!).count()).toBe(1);

    await removeImage(imageRow(dora, f.single), { force: false, prune: false });
    await expectRemoval(dora, { untagged: [f.single], deleted: [ids[f.single]!], kept: [ids[f.parent]!] });
    await expectGone(ids[f.single]!);
    await expectKept(ids[f.parent]!);
  });

  test('force with prune: removes every tag, the image, and its now childless untagged parent', async () => {
    const f = family(1);
    await removeImage(imageRow(dora, f.double[0]!), { force: true, prune: true });
    await expectRemoval(dora, { untagged: f.double, deleted: [ids[f.double[0]!]!, ids[f.parent]!] });
    await expectGone(ids[f.double[0]!]!);
    await expectGone(ids[f.parent]!);
  });

  test('force: removes every tag and the image, and keeps the untagged parent', async () => {
    const f = family(2);
    await removeImage(imageRow(dora, f.double[0]!), { force: true, prune: false });
    await expectRemoval(dora, { untagged: f.double, deleted: [ids[f.double[0]!]!], kept: [ids[f.parent]!] });
    await expectGone(ids[f.double[0]!]!);
    await expectKept(ids[f.parent]!);
  });

  test('prune: removes the image and its now childless untagged parent', async () => {
    const f = family(2);
    await removeImage(imageRow(dora, f.single), { force: false, prune: true });
    await expectRemoval(dora, { untagged: [f.single], deleted: [ids[f.single]!, ids[f.parent]!] });
    await expectGone(ids[f.single]!);
    await expectGone(ids[f.parent]!);
  });
});

describe('a container made outside Berth', () => {
  test('appears for the admin as external within 5 s, and never for a user', async () => {
    const container = await docker.createContainer({
      name: job.outside,
      Image: 'berth-test/busybox:latest',
      Cmd: ['sleep', '300'],
    });
    await container.start();
    const startedAt = Date.now();
    job.outsideId = container.id;

    // The audit page reads the trail only, so the record comes from the background sync.
    await expect
      .poll(
        async () => {
          await ada.goto(`/audit?user=external&action=container.appeared`);
          return ada.locator('.audit-table tbody tr', { hasText: job.outside }).count();
        },
        { timeout: 6_000, interval: 250 },
      )
      .toBe(1);
    const seenAfterMs = Date.now() - startedAt;
    expect(seenAfterMs).toBeLessThan(6_000);
    console.log(`e2e: the container made outside Berth was recorded ${seenAfterMs} ms after it started`);

    await ada.goto('/containers');
    const row = containerRow(ada, job.outside);
    expect(((await row.locator('td').nth(7).textContent()) ?? '').trim()).toBe('external');

    await eve.goto('/containers');
    expect(await containerRow(eve, job.outside).count()).toBe(0);
    expect((await eve.goto(`/containers/local/${job.outsideId}`))?.status()).toBe(404);
    expect((await eve.goto(`/logs/local/${job.outsideId}`))?.status()).toBe(404);
  });
});

describe('the admin reads it all in the audit trail', () => {
  /** UTC wall time as the audit form's datetime-local fields take it. */
  const utcField = (at: Date) => at.toISOString().slice(0, 19);

  async function filterAudit(fields: Record<string, string>): Promise<void> {
    await ada.goto('/audit');
    // What the form will send: a datetime-local field drops zero seconds (12:00:00 becomes 12:00).
    const sent: [string, string][] = [];
    for (const [name, value] of Object.entries(fields)) {
      const field = ada.locator(`.audit-filters [name=${name}]`);
      if (name === 'outcome') await field.selectOption(value);
      else await field.fill(value);
      sent.push([name, await field.inputValue()]);
    }
    await ada.getByRole('button', { name: 'Filter' }).click();
    await ada.waitForURL((url) => sent.every(([name, value]) => url.searchParams.get(name) === value));
    // The results replace the results, not nest in them.
    expect(await ada.locator('#audit-results').count()).toBe(1);
  }

  const auditRows = () => ada.locator('#audit-results .audit-table tbody tr');
  const column = (n: number) => ada.locator('#audit-results .audit-table tbody tr').locator(`td:nth-child(${n})`).allTextContents();

  const doraActions = [
    'user.register',
    'image.pull',
    'container.create',
    'container.start',
    'container.logs.view',
    'container.logs.download',
    'container.stop',
    'container.restart',
    'container.kill',
    'container.commit',
    'container.remove',
    'image.tag',
    'image.untag',
    'image.remove',
  ];

  test("filters by user and time range: dora's actions, and nothing before the job began", async () => {
    const until = new Date(Date.now() + 60_000);
    await filterAudit({ user: 'dora', from: utcField(job.startedAt), to: utcField(until) });
    await expect.poll(() => auditRows().count()).toBeGreaterThan(0);
    expect(new Set(await column(2))).toEqual(new Set(['dora']));
    const shown = new Set((await column(3)).map((a) => a.trim()));
    // The newest 50 are on this page: the end of the job is there.
    for (const action of ['image.remove', 'image.untag', 'container.remove']) expect(shown).toContain(action);
    await screenshot(ada, 'audit', { height: 1400 });

    const before = new Date(job.startedAt.getTime() - 3_600_000);
    await filterAudit({ user: 'dora', from: utcField(before), to: utcField(new Date(job.startedAt.getTime() - 1_000)) });
    await ada.getByText('No audit records match.').waitFor();
  });

  test("shows eve's refused attempts and the outside change", async () => {
    await filterAudit({ user: 'eve', outcome: 'denied' });
    const targets = (await column(6)).join('\n');
    expect(targets).toContain(job.webId.slice(0, 12));
    expect(await column(4)).toEqual(expect.arrayContaining(['denied']));
    expect(new Set(await column(4))).toEqual(new Set(['denied']));

    await filterAudit({ user: 'external' });
    expect((await column(6)).join('\n')).toContain(job.outside);
  });

  test('exports the filtered records as CSV, every action of the job in it', async () => {
    const until = new Date(Date.now() + 60_000);
    await filterAudit({ user: 'dora', from: utcField(job.startedAt), to: utcField(until) });
    const [download] = await Promise.all([ada.waitForEvent('download'), ada.getByRole('link', { name: 'Download these records as CSV' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^berth-audit-\d{8}T\d{6}Z\.csv$/);
    const rows = parse(await readFile((await download.path()) ?? ''), { columns: true, bom: true }) as Record<string, string>[];
    // The columns a reader needs to answer "who did what to which, when, and how did it end".
    expect(Object.keys(rows[0] ?? {})).toEqual(expect.arrayContaining(['at', 'actor', 'action', 'outcome', 'host', 'target_name', 'message']));
    expect(new Set(rows.map((r) => r.actor))).toEqual(new Set(['dora']));
    for (const r of rows) {
      expect(new Date(r.at!).getTime()).toBeGreaterThanOrEqual(job.startedAt.getTime());
      expect(new Date(r.at!).getTime()).toBeLessThan(until.getTime());
    }
    const actions = new Set(rows.map((r) => r.action));
    for (const action of doraActions) expect(actions, action).toContain(action);
    // Each thing she did, by name.
    const byAction = (action: string) => rows.filter((r) => r.action === action).map((r) => `${r.target_name} ${r.message}`).join('\n');
    expect(byAction('image.pull')).toContain(NGINX);
    expect(byAction('container.create')).toContain(job.web);
    expect(byAction('container.commit')).toContain(job.snapshot);
    expect(rows.filter((r) => r.action === 'image.remove' && r.outcome === 'success')).toHaveLength(4);
    expect(rows.filter((r) => r.action === 'image.remove' && r.outcome === 'failure')).toHaveLength(1);
    // The export itself is on the record.
    await filterAudit({ user: 'ada', action: 'audit.export' });
    expect(await auditRows().count()).toBe(1);
  });

  test('no page showed a script error or a refused inline script or style', async () => {
    for (const context of contexts) await context.close();
    contexts.length = 0;
    expect(problems).toEqual([]);
  });
});
