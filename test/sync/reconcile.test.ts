import { eq } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ContainerSummary, ImageSummary } from '../../agent/protocol/messages.ts';
import { auditEvents, hosts, resources, type Host } from '../../db/schema.ts';
import { workspaceLabels } from '../../functions/resources/labels.ts';
import { reconcileHost, type HostSnapshot } from '../../functions/sync/reconcile.ts';
import { createSignedInUser } from '../support/app.ts';
import { useTestDatabase, type TestDatabase } from '../support/database.ts';

let db: TestDatabase;
let host: Host;
const deps = () => ({ db: db.db, clock: Date.now });

/** When alice and bob registered (ms), and when Docker made the test's objects by default (s): after that. */
const REGISTERED_MS = Date.UTC(2026, 0, 10, 12, 0, 0, 500);
const MADE_S = Date.UTC(2026, 0, 20) / 1000;

function container(id: string, labels: Record<string, string> = {}, created = MADE_S): ContainerSummary {
  return { id, name: `c-${id}`, image: 'img', imageId: 'sha256:x', command: 'sh', created, state: 'running', status: 'Up', ports: [], labels };
}
function image(id: string, labels: Record<string, string> = {}, created = MADE_S): ImageSummary {
  return { id, repoTags: [`repo/${id}:latest`], repoDigests: [], created, size: 1, labels };
}
const labelsFor = (workspace: string) => ({ [workspaceLabels.workspace]: workspace, [workspaceLabels.creator]: workspace });

async function rows() {
  return db.db.select().from(resources).where(eq(resources.hostId, host.id));
}
async function events() {
  return db.db.select().from(auditEvents).orderBy(auditEvents.id);
}

useTestDatabase((created) => (db = created));
beforeEach(async () => {
  await db.db.insert(hosts).values({ name: 'h1', agentUrl: 'http://127.0.0.1:1', agentPublicKey: 'k', createdAt: new Date() });
  [host] = (await db.db.select().from(hosts)) as [Host];
  await createSignedInUser(db, 'alice', 'user', REGISTERED_MS);
  await createSignedInUser(db, 'bob', 'user', REGISTERED_MS);
});

describe('reconcile', () => {
  it('makes everything present at the first sync public, and audits the first sync once', async () => {
    await reconcileHost(deps(), host, { containers: [container('a')], images: [image('sha256:i1')] });
    expect((await rows()).map((r) => [r.kind, r.workspace, r.origin]).sort()).toEqual([
      ['container', 'public', 'preexisting'],
      ['image', 'public', 'preexisting'],
    ]);
    expect((await events()).map((e) => e.action)).toEqual(['host.first-sync']);
  });

  it("keeps the workspace Berth's labels name at the first sync (a re-enrolled host): only unlabelled objects become public", async () => {
    const bobs = { [workspaceLabels.workspace]: 'bob', [workspaceLabels.creator]: 'bob' };
    await reconcileHost(deps(), host, {
      containers: [container('plain'), container('bobs', bobs)],
      images: [image('sha256:plain'), image('sha256:bobs', bobs)],
    });
    expect((await rows()).map((r) => [r.kind, r.dockerId, r.workspace, r.origin, r.createdBy]).sort()).toEqual([
      ['container', 'bobs', 'bob', 'platform', 'bob'],
      ['container', 'plain', 'public', 'preexisting', null],
      ['image', 'sha256:bobs', 'bob', 'platform', 'bob'],
      ['image', 'sha256:plain', 'public', 'preexisting', null],
    ]);
    const [first] = (await events()).filter((e) => e.action === 'host.first-sync');
    expect(first?.message).toBe('First sync of h1: 1 containers and 1 images are public.');
  });

  it('puts later outside creations in the external workspace and audits each appearance and disappearance once', async () => {
    const first: HostSnapshot = { containers: [container('a')], images: [] };
    await reconcileHost(deps(), host, first);
    const second: HostSnapshot = { containers: [container('a'), container('b')], images: [] };
    await reconcileHost(deps(), host, second);
    await reconcileHost(deps(), host, second);
    const b = (await rows()).find((r) => r.dockerId === 'b');
    expect(b).toMatchObject({ workspace: 'external', origin: 'external' });
    await reconcileHost(deps(), host, { containers: [container('b')], images: [] });
    const log = (await events()).map((e) => [e.action, e.actorType, e.targetId]);
    expect(log).toEqual([
      ['host.first-sync', 'system', null],
      ['container.appeared', 'external', 'b'],
      ['container.disappeared', 'external', 'a'],
    ]);
  });

  it("adopts a container carrying Berth's workspace label without calling it external, and audits the adoption once", async () => {
    await reconcileHost(deps(), host, { containers: [], images: [] });
    const labels = { [workspaceLabels.workspace]: 'alice', [workspaceLabels.creator]: 'alice' };
    await reconcileHost(deps(), host, { containers: [container('mine', labels)], images: [] });
    expect((await rows())[0]).toMatchObject({ workspace: 'alice', origin: 'platform', createdBy: 'alice' });
    await reconcileHost(deps(), host, { containers: [container('mine', labels)], images: [] });
    expect((await events()).map((e) => [e.action, e.actorType, e.actorName, e.targetId, e.message])).toEqual([
      ['host.first-sync', 'system', 'system', null, 'First sync of h1: 0 containers and 0 images are public.'],
      ['container.adopted', 'system', 'system', 'mine', "A container carrying Berth's labels for workspace alice was adopted into it."],
    ]);
  });

  it("never adopts into a user who did not exist when the object was made: a reused name's or an unknown name's objects are external", async () => {
    const registeredS = Math.floor(REGISTERED_MS / 1000);
    await reconcileHost(deps(), host, {
      containers: [
        container('before-bob', labelsFor('bob'), registeredS - 1),
        container('same-second', labelsFor('bob'), registeredS),
        container('nobody', labelsFor('carol')),
        container('claims-public', labelsFor('public')),
        container('deleted', labelsFor('deleted:dan')),
      ],
      images: [image('sha256:old-bob', labelsFor('bob'), registeredS - 3600)],
    });
    expect(Object.fromEntries((await rows()).map((r) => [r.dockerId, r.workspace]))).toEqual({
      'before-bob': 'external',
      'same-second': 'bob',
      nobody: 'external',
      'claims-public': 'external',
      deleted: 'deleted:dan',
      'sha256:old-bob': 'external',
    });
    const unclaimed = (await events()).filter((e) => e.action.endsWith('.unclaimed'));
    expect(unclaimed.map((e) => [e.targetId, e.actorName, e.message])).toEqual(
      expect.arrayContaining([
        ['before-bob', 'system', 'A container labelled for workspace bob, which no user held when it was made, is in the external workspace (admins only).'],
        ['sha256:old-bob', 'system', 'An image labelled for workspace bob, which no user held when it was made, is in the external workspace (admins only).'],
      ]),
    );
    expect(unclaimed).toHaveLength(4);
    const [first] = (await events()).filter((e) => e.action === 'host.first-sync');
    expect(first?.message).toBe('First sync of h1: 0 containers and 0 images are public.');
  });

  it("keeps Berth's own database container in the admin-only system workspace, at the first sync and later", async () => {
    const database = { 'berth.role': 'embedded-database' };
    await reconcileHost(deps(), host, { containers: [container('db', database), container('plain')], images: [] });
    await reconcileHost(deps(), host, { containers: [container('db', database), container('plain'), container('db2', database)], images: [] });
    expect(Object.fromEntries((await rows()).map((r) => [r.dockerId, r.workspace]))).toEqual({ db: 'system', plain: 'public', db2: 'system' });
    const [first] = (await events()).filter((e) => e.action === 'host.first-sync');
    expect(first?.message).toBe('First sync of h1: 1 containers and 0 images are public.');
  });

  it('is safe when several instances reconcile at once: one first sync, one record per change', async () => {
    const snapshot: HostSnapshot = { containers: [container('a'), container('b')], images: [image('sha256:i')] };
    await Promise.all(Array.from({ length: 5 }, () => reconcileHost(deps(), host, snapshot)));
    expect(await rows()).toHaveLength(3);
    const later: HostSnapshot = { containers: [container('a'), container('c')], images: [] };
    await Promise.all(Array.from({ length: 5 }, () => reconcileHost(deps(), host, later)));
    const actions = (await events()).map((e) => `${e.action}:${e.targetId ?? ''}`).sort();
    expect(actions).toEqual(['container.appeared:c', 'container.disappeared:b', 'host.first-sync:', 'image.disappeared:sha256:i']);
  });
});
