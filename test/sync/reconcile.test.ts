import { eq } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ContainerSummary, ImageSummary } from '../../agent/protocol/messages.ts';
import { auditEvents, hosts, resources, type Host } from '../../db/schema.ts';
import { workspaceLabels } from '../../functions/resources/labels.ts';
import { reconcileHost, type HostSnapshot } from '../../functions/sync/reconcile.ts';
import { useTestDatabase, type TestDatabase } from '../support/database.ts';

let db: TestDatabase;
let host: Host;
const deps = () => ({ db: db.db, clock: Date.now });

function container(id: string, labels: Record<string, string> = {}): ContainerSummary {
  return { id, name: `c-${id}`, image: 'img', imageId: 'sha256:x', command: 'sh', created: 0, state: 'running', status: 'Up', ports: [], labels };
}
function image(id: string, labels: Record<string, string> = {}): ImageSummary {
  return { id, repoTags: [`repo/${id}:latest`], repoDigests: [], created: 0, size: 1, labels };
}

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
