// /images end to end: the app, a real agent, the real Docker engine and local
// registry, and MySQL. Every image made here is named under `prefix`.
import { createServer, type Socket } from 'node:net';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, resources, type AuditEvent } from '../../db/schema.ts';
import { startTestAgentHost, type TestAgentHost } from '../support/agent-host.ts';
import { auditRecordsOf } from '../support/audit-records.ts';
import { textOf } from '../support/text-of.ts';
import { createSignedInUser, createTestApp, testAgentClient } from '../support/app.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import {
  BASE_IMAGE,
  commitImage,
  docker,
  inspectImage,
  pushFreshImage,
  REGISTRY,
  removeOurImages,
  uniquePrefix,
  waitForBaseImage,
} from './support.ts';

type SignedIn = Awaited<ReturnType<typeof createSignedInUser>>;
type TestApp = Awaited<ReturnType<typeof createTestApp>>;

const prefix = uniquePrefix('images');
let db: TestDatabase;
let local: TestAgentHost;
let app: TestApp;
let alice: SignedIn;
let bob: SignedIn;
let admin: SignedIn;
let baseId: string;
/** Made before Berth first saw the host: public. */
let publicId: string;
/** The registry copy of busybox is left untagged by the image build so that pulls fetch; put back as found. */
const registryBusybox = `${REGISTRY}/berth-test/busybox:latest`;
let registryBusyboxWasTagged = false;

const IMAGE_ROW = /data-image-id="(sha256:[0-9a-f]{64})"/g;

async function listedIds(user: SignedIn): Promise<string[]> {
  const response = await app.request('/images', { cookie: user.cookie });
  expect(response.status).toBe(200);
  return [...(await response.text()).matchAll(IMAGE_ROW)].map((match) => match[1] ?? '');
}

async function auditOf(action: string, where: Partial<Record<'targetId' | 'targetName' | 'actorName', string>> = {}): Promise<AuditEvent[]> {
  const rows = await db.db.select().from(auditEvents).where(eq(auditEvents.action, action)).orderBy(auditEvents.id);
  return rows.filter((row) => Object.entries(where).every(([key, value]) => row[key as keyof AuditEvent] === value));
}

async function workspaceOf(imageId: string): Promise<string | null> {
  const [row] = await db.db
    .select()
    .from(resources)
    .where(and(eq(resources.hostId, local.host.id), eq(resources.kind, 'image'), eq(resources.dockerId, imageId)));
  return row?.workspace ?? null;
}

function pull(user: SignedIn, reference: string, host = 'local') {
  return app.postForm('/images/pull', { host, reference }, { cookie: user.cookie, htmx: true });
}

function pullIdIn(html: string): string {
  const match = /hx-sse:connect="\/images\/pulls\/local\/([0-9a-f-]{36})\/events"/.exec(html);
  if (!match?.[1]) throw new Error(`No live pull panel in: ${html.slice(0, 400)}`);
  return match[1];
}

interface SseEvent {
  event: string;
  data: string;
}

/** Reads an SSE response to its end (a pull's stream ends with `close`). */
async function sseEvents(response: Response): Promise<SseEvent[]> {
  expect(response.headers.get('content-type')).toContain('text/event-stream');
  return (await textOf(response))
    .split('\n\n')
    .filter((block) => block.trim() !== '')
    .map((block) => {
      const lines = block.split('\n');
      const event = lines.find((line) => line.startsWith('event:'))?.slice(6).trim() ?? 'message';
      const data = lines.filter((line) => line.startsWith('data:')).map((line) => line.slice(5).replace(/^ /, ''));
      return { event, data: data.join('\n') };
    });
}

function watch(user: SignedIn, pullId: string) {
  return app.request(`/images/pulls/local/${pullId}/events`, { cookie: user.cookie, htmx: true, headers: { Accept: 'text/html, text/event-stream' } });
}

function removeImage(user: SignedIn, id: string, mode: { force?: boolean; prune?: boolean }) {
  const query = new URLSearchParams({ ...(mode.force ? { force: '1' } : {}), ...(mode.prune ? { prune: '1' } : {}) });
  return app.request(`/images/local/${encodeURIComponent(id)}?${query}`, { method: 'DELETE', cookie: user.cookie, htmx: true });
}

function addTag(user: SignedIn, id: string, tag: string) {
  return app.postForm(`/images/local/${encodeURIComponent(id)}/tags`, { tag }, { cookie: user.cookie, htmx: true });
}

function removeTag(user: SignedIn, id: string, tag: string) {
  return app.request(`/images/local/${encodeURIComponent(id)}/tags?${new URLSearchParams({ tag })}`, { method: 'DELETE', cookie: user.cookie, htmx: true });
}

beforeAll(async () => {
  baseId = await waitForBaseImage();
  registryBusyboxWasTagged = (await inspectImage(registryBusybox)) !== null;
  publicId = await commitImage(`${prefix}-public`, '1');
  db = await createTestDatabase();
  const { keys, agents } = await testAgentClient();
  local = await startTestAgentHost({ db, agents, keys, name: 'local' });
  app = await createTestApp({ db, agents });
  [alice, bob, admin] = await Promise.all([
    createSignedInUser(db, 'alice'),
    createSignedInUser(db, 'bob'),
    createSignedInUser(db, 'root', 'admin'),
  ]);
  // The first sync: everything on the host now is public.
  expect(await listedIds(admin)).toContain(publicId);
});

afterAll(async () => {
  await app?.settleBackground();
  await removeOurImages([prefix, `${REGISTRY}/berth-test/${prefix}`]);
  if (!registryBusyboxWasTagged) await docker.getImage(registryBusybox).remove().catch(() => {});
  await local?.close();
  await db?.drop();
});

describe('pull', () => {
  it('pulls 127.0.0.1:5000/berth-test/busybox with progress over SSE, audits success once, and the image is public', async () => {
    const reference = registryBusybox;
    // Untag (never force) so the pull has something to do; berth-test/busybox:latest keeps the image.
    await docker
      .getImage(reference)
      .remove()
      .catch((error: { statusCode?: number }) => expect(error.statusCode).toBe(404));

    const started = await pull(alice, `${REGISTRY}/berth-test/busybox`);
    expect(started.status).toBe(200);
    const panel = await textOf(started);
    expect(panel).toContain(`Pulling ${reference}`);
    const pullId = pullIdIn(panel);

    const events = await sseEvents(await watch(alice, pullId));
    const messages = events.filter((event) => event.event === 'message');
    expect(messages.length).toBeGreaterThanOrEqual(2);
    expect(messages.every((message) => message.data.includes('<progress'))).toBe(true);
    expect(messages.at(-1)?.data).toContain(`Pulled ${reference}`);
    expect(messages.at(-1)?.data).toContain('Status: ');
    expect(events.slice(-2).map((event) => event.event)).toEqual(['pulled', 'close']);

    await app.settleBackground();
    // Watched again once finished (a reload): the whole pull is replayed up to its outcome.
    const replay = await sseEvents(await watch(alice, pullId));
    expect(replay.filter((event) => event.event === 'message').at(-1)?.data).toContain(`Status: Downloaded newer image for ${reference}`);
    expect(replay.slice(-2).map((event) => event.event)).toEqual(['pulled', 'close']);

    const imageId = (await inspectImage(reference))?.Id ?? '';
    const records = await auditOf('image.pull', { targetName: reference, actorName: 'alice' });
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ outcome: 'success', targetId: imageId, hostName: 'local', detail: { pullId } });
    expect(await workspaceOf(imageId)).toBe('public');
  });

  it('downloads a new layer with per-layer and overall progress bars, and the pulled image is public for everyone', async () => {
    const reference = await pushFreshImage(`${prefix}-fresh`);
    const pullId = pullIdIn(await textOf(await pull(bob, reference)));
    const messages = (await sseEvents(await watch(bob, pullId))).filter((event) => event.event === 'message').map((event) => event.data);
    // Bytes while downloading or extracting, each layer with its bar, the whole pull reaching 100 %.
    expect(messages.some((html) => /(Downloading|Extracting) [\d.]+ [kM]?B \/ [\d.]+ [kM]?B/.test(html))).toBe(true);
    expect(messages.some((html) => html.includes('Already exists'))).toBe(true);
    expect(messages.at(-1)).toMatch(/Pull complete<progress value="100" max="100"/);
    expect(messages.at(-1)).toMatch(/<span data-testid="pull-percent">100%<\/span><progress value="100" max="100" data-pull-state="done"/);

    await app.settleBackground();
    const imageId = (await inspectImage(reference))?.Id ?? '';
    expect(await workspaceOf(imageId)).toBe('public');
    expect(await listedIds(alice)).toContain(imageId);
  });

  it("fails a pull of a missing image with the registry's message, audited as failure", async () => {
    const reference = `${REGISTRY}/berth-test/${prefix}-missing:latest`;
    const pullId = pullIdIn(await textOf(await pull(alice, reference)));
    const events = await sseEvents(await watch(alice, pullId));
    expect(events.at(-2)?.data).toContain(`Pull failed: ${reference}`);
    expect(events.at(-2)?.data).toContain('manifest unknown');
    expect(events.map((event) => event.event)).not.toContain('pulled');

    await app.settleBackground();
    const records = await auditOf('image.pull', { targetName: reference });
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ outcome: 'failure', actorName: 'alice', targetId: null, message: expect.stringContaining('manifest unknown') });
  });

  it.each([
    ['', 'Enter an image reference'],
    ['UPPER/x', '"UPPER" has capital letters'],
    ['x@sha256:short', 'may only contain hex digits'],
    ['a:b:c', '"b:c" is not a valid tag'],
    ['x..y', 'separators in a row'],
    ['a'.repeat(300), 'at most'],
  ])('refuses the reference %j with a clear 400 and a failure record', async (reference, fragment) => {
    const response = await pull(alice, reference);
    expect(response.status).toBe(400);
    expect(await textOf(response)).toContain(fragment);
    expect(response.headers.get('HX-Retarget')).toBe('#messages');
    expect(await auditRecordsOf(db.db, response)).toMatchObject([
      { action: 'image.pull', outcome: 'failure', actorName: 'alice', message: expect.stringContaining(fragment) },
    ]);
  });

  it('refuses an unknown host with 404 and a failure record', async () => {
    const response = await pull(alice, 'busybox', 'nowhere');
    expect(response.status).toBe(404);
    expect(await textOf(response)).toContain('There is no host named "nowhere".');
    expect(await auditRecordsOf(db.db, response)).toMatchObject([{ action: 'image.pull', outcome: 'failure', actorName: 'alice' }]);
  });

  it('keeps a pull running without a watcher, lists it for its starter and admins only, and records its end', async () => {
    // A registry that accepts connections and never answers: the pull stays running until it is closed.
    const sockets: Socket[] = [];
    const silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    const reference = `127.0.0.1:${port}/berth-test/${prefix}-slow:latest`;
    try {
      const pullId = pullIdIn(await textOf(await pull(alice, reference)));

      const pageOf = async (user: SignedIn) => (await app.request('/images', { cookie: user.cookie })).text();
      expect(await pageOf(alice)).toContain(`data-pull-id="${pullId}"`);
      expect(await pageOf(admin)).toContain(`data-pull-id="${pullId}"`);
      expect(await pageOf(bob)).not.toContain(pullId);

      // Watching again (a reload): the current state comes first, the stream stays open.
      const live = await watch(alice, pullId);
      const reader = live.body!.getReader();
      const first = new TextDecoder().decode((await reader.read()).value);
      expect(first).toContain(`Pulling ${reference}`);
      await reader.cancel();

      const denied = await watch(bob, pullId);
      expect(denied.status).toBe(404);
      expect(await auditOf('image.pull.watch', { targetId: pullId })).toMatchObject([{ outcome: 'denied', actorName: 'bob' }]);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
    await app.settleBackground();
    expect(await auditOf('image.pull', { targetName: reference })).toMatchObject([{ outcome: 'failure', actorName: 'alice' }]);
  });
});

/** A committed parent, untagged, and a tagged child on it: Docker keeps the parent only while the child needs it. */
async function parentAndChild(name: string) {
  const parentId = await commitImage(`${prefix}-${name}-parent`, '1', { owner: 'alice' });
  const childId = await commitImage(`${prefix}-${name}-child`, '1', { owner: 'alice', from: parentId });
  await docker.getImage(`${prefix}-${name}-parent:1`).remove();
  expect(await listedIds(alice)).toContain(childId);
  return { parentId, childId };
}

async function stoppedContainerOf(imageId: string) {
  const container = await docker.createContainer({ Image: imageId, Cmd: ['true'], name: `${prefix}-user-${crypto.randomUUID().slice(0, 6)}` });
  return container;
}

describe('remove in four modes', () => {
  it('remove: the image goes, its untagged parent stays', async () => {
    const { parentId, childId } = await parentAndChild('plain');
    const response = await removeImage(alice, childId, {});
    expect(response.status).toBe(200);
    expect(await textOf(response)).toContain('Removed');
    expect(await inspectImage(childId)).toBeNull();
    expect(await inspectImage(parentId)).not.toBeNull();
    expect(await workspaceOf(childId)).toBeNull();
    // Docker lists the layers it deleted along with the image: the parent is not among them.
    const [record] = await auditOf('image.remove', { targetId: childId });
    expect(record).toMatchObject({ outcome: 'success', actorName: 'alice', detail: { force: false, prune: false, deleted: expect.arrayContaining([childId]) } });
    expect((record?.detail as { deleted: string[] }).deleted).not.toContain(parentId);
  });

  it('prune: the image and its untagged parent go', async () => {
    const { parentId, childId } = await parentAndChild('prune');
    expect((await removeImage(alice, childId, { prune: true })).status).toBe(200);
    expect(await inspectImage(childId)).toBeNull();
    expect(await inspectImage(parentId)).toBeNull();
    expect(await auditOf('image.remove', { targetId: childId })).toMatchObject([{ detail: { prune: true, deleted: expect.arrayContaining([childId, parentId]) } }]);
  });

  it("force: an image a stopped container uses is refused with Docker's 409 without force, removed with it (parent kept)", async () => {
    const { parentId, childId } = await parentAndChild('force');
    const container = await stoppedContainerOf(childId);
    try {
      const refused = await removeImage(alice, childId, {});
      expect(refused.status).toBe(409);
      expect(await textOf(refused)).toMatch(/unable to delete [0-9a-f]{12} \(must be forced\) - image is being used by stopped container/);
      expect(await inspectImage(childId)).not.toBeNull();

      const forced = await removeImage(alice, childId, { force: true });
      expect(forced.status).toBe(200);
      expect(await inspectImage(childId)).toBeNull();
      expect(await inspectImage(parentId)).not.toBeNull();
      expect((await auditOf('image.remove', { targetId: childId })).map((row) => row.outcome)).toEqual(['failure', 'success']);
    } finally {
      await container.remove({ force: true });
    }
  });

  it('force with prune: the image a stopped container uses and its untagged parent go', async () => {
    const { parentId, childId } = await parentAndChild('forceprune');
    const container = await stoppedContainerOf(childId);
    try {
      expect((await removeImage(alice, childId, { force: true, prune: true })).status).toBe(200);
      expect(await inspectImage(childId)).toBeNull();
      expect(await inspectImage(parentId)).toBeNull();
    } finally {
      await container.remove({ force: true });
    }
  });

  it('an image a running container uses cannot be removed, not even by force', async () => {
    const id = await commitImage(`${prefix}-running`, '1', { owner: 'alice' });
    expect(await listedIds(alice)).toContain(id);
    const container = await docker.createContainer({ Image: id, Cmd: ['sleep', '300'], name: `${prefix}-runner` });
    await container.start();
    try {
      for (const force of [false, true]) {
        const response = await removeImage(alice, id, { force });
        expect(response.status).toBe(409);
        // Docker's words either way: a running container's image is never removed.
        expect(await textOf(response)).toContain('(cannot be forced) - image is being used by running container');
      }
      expect(await inspectImage(id)).not.toBeNull();
    } finally {
      await container.remove({ force: true });
    }
  });

  it('refuses an id that names no image with 404 and a denied record', async () => {
    const response = await removeImage(alice, `sha256:${'0'.repeat(64)}`, {});
    expect(response.status).toBe(404);
    expect(await auditOf('image.remove', { targetId: `sha256:${'0'.repeat(64)}` })).toMatchObject([{ outcome: 'denied' }]);
  });
});

describe('tag and untag', () => {
  it('adds a tag and removes it again, the row swapped each time', async () => {
    const id = await commitImage(`${prefix}-tags`, 'one', { owner: 'alice' });
    expect(await listedIds(alice)).toContain(id);

    const tagged = await addTag(alice, id, `${prefix}-tags:two`);
    expect(tagged.status).toBe(200);
    const row = await textOf(tagged);
    expect(row).toContain(`data-image-id="${id}"`);
    expect(row).toContain(`${prefix}-tags:two`);
    expect(row).toContain(`Tagged ${id.slice(7, 19)} as ${prefix}-tags:two.`);
    expect((await inspectImage(id))?.RepoTags.sort()).toEqual([`${prefix}-tags:one`, `${prefix}-tags:two`]);

    const untagged = await removeTag(alice, id, `${prefix}-tags:two`);
    expect(untagged.status).toBe(200);
    expect(await textOf(untagged)).not.toContain(`>${prefix}-tags:two`);
    expect((await inspectImage(id))?.RepoTags).toEqual([`${prefix}-tags:one`]);
    expect((await auditOf('image.tag', { targetId: id })).map((row) => row.outcome)).toEqual(['success']);
    expect(await auditOf('image.untag', { targetId: id })).toMatchObject([{ outcome: 'success', targetName: `${prefix}-tags:two` }]);
  });

  it('refuses a tag that already exists, on another image or this one', async () => {
    const id = await commitImage(`${prefix}-taken`, '1', { owner: 'alice' });
    expect(await listedIds(alice)).toContain(id);
    const onOther = await addTag(alice, id, BASE_IMAGE);
    expect(onOther.status).toBe(409);
    expect(await textOf(onOther)).toContain(`${BASE_IMAGE} already exists; choose another tag or remove it first.`);
    expect((await inspectImage(BASE_IMAGE))?.Id).toBe(baseId);
    const onSelf = await addTag(alice, id, `${prefix}-taken:1`);
    expect(onSelf.status).toBe(409);
    expect(await textOf(onSelf)).toContain('The image already has the tag');
    expect((await auditOf('image.tag', { targetId: id })).map((row) => row.outcome)).toEqual(['failure', 'failure']);
  });

  it.each([
    ['Bad Tag', 'whitespace'],
    ['UPPER:x', '"UPPER" has capital letters'],
    [`x@sha256:${'a'.repeat(64)}`, 'a tag is repository:tag without one'],
    ['', 'Enter an image reference'],
  ])('refuses the new tag %j with a clear 400', async (tag, fragment) => {
    const response = await addTag(alice, publicId, tag);
    expect(response.status).toBe(400);
    expect(await textOf(response)).toContain(fragment);
  });

  it('removing the last tag deletes an unused image and its row; Docker refuses it while a container uses the image', async () => {
    const id = await commitImage(`${prefix}-last`, '1', { owner: 'alice' });
    expect(await listedIds(alice)).toContain(id);
    const container = await stoppedContainerOf(id);
    const refused = await removeTag(alice, id, `${prefix}-last:1`);
    expect(refused.status).toBe(409);
    expect(await textOf(refused)).toContain(`unable to remove repository reference "${prefix}-last:1" (must force)`);
    await container.remove({ force: true });

    const removed = await removeTag(alice, id, `${prefix}-last:1`);
    expect(removed.status).toBe(200);
    expect(removed.headers.get('HX-Reswap')).toBe('delete');
    expect(await inspectImage(id)).toBeNull();
    expect(await workspaceOf(id)).toBeNull();
  });

  it('refuses to remove a tag that names another image', async () => {
    const response = await removeTag(alice, publicId, BASE_IMAGE);
    expect(response.status).toBe(409);
    expect(await textOf(response)).toContain(`The tag ${BASE_IMAGE} names another image`);
    expect((await inspectImage(BASE_IMAGE))?.Id).toBe(baseId);
  });
});

describe('isolation', () => {
  it("user A, user B and an admin on B's committed image, a public image and an external image", async () => {
    const bobsId = await commitImage(`${prefix}-bobs`, '1', { owner: 'bob' });
    // Made with the Docker API after the first sync, without Berth's labels: external.
    const externalId = await commitImage(`${prefix}-outside`, '1');
    await listedIds(admin); // sync
    expect(await workspaceOf(bobsId)).toBe('bob');
    expect(await workspaceOf(externalId)).toBe('external');
    expect(await auditOf('image.appeared', { targetId: externalId })).toMatchObject([{ actorType: 'external' }]);

    const images = { "B's committed image": bobsId, 'public image': publicId, 'external image': externalId };
    const users = { 'user A (alice)': alice, 'user B (bob)': bob, admin };
    const expected: Record<string, Record<string, string>> = {
      'user A (alice)': { "B's committed image": 'hidden / 404', 'public image': 'visible / 200', 'external image': 'hidden / 404' },
      'user B (bob)': { "B's committed image": 'visible / 200', 'public image': 'visible / 200', 'external image': 'hidden / 404' },
      admin: { "B's committed image": 'visible / 200', 'public image': 'visible / 200', 'external image': 'visible / 200' },
    };
    const seen: Record<string, Record<string, string>> = {};
    for (const [userLabel, user] of Object.entries(users)) {
      const listed = await listedIds(user);
      seen[userLabel] = {};
      for (const [imageLabel, id] of Object.entries(images)) {
        const tag = `${prefix}-iso-${user.username}:${id.slice(7, 15)}`;
        const acted = await addTag(user, id, tag);
        seen[userLabel][imageLabel] = `${listed.includes(id) ? 'visible' : 'hidden'} / ${acted.status}`;
        if (acted.status === 200) expect((await removeTag(user, id, tag)).status).toBe(200);
        else expect(await auditOf('image.tag', { targetId: id, actorName: user.username })).toMatchObject([{ outcome: 'denied' }]);
      }
    }
    console.info(`isolation matrix (listed / add-tag status):\n${JSON.stringify(seen, null, 2)}`);
    expect(seen).toEqual(expected);
  });
});
