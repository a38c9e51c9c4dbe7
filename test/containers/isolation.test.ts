// The isolation matrix for containers: who sees and acts on whose container.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, test, vi } from 'vitest';
import { auditEvents } from '../../db/schema.ts';
import { embeddedDatabaseLabel } from '../../functions/resources/labels.ts';
import { createSignedInUser } from '../support/app.ts';
import { idFromRow, startContainersTestbed, textOf, type ContainersTestbed } from './support.ts';

let t: ContainersTestbed;
const ids = { "A's": '', public: '', external: '' };
let database = '';

beforeAll(async () => {
  t = await startContainersTestbed('isolation');
  // Present before Berth first sees the host: public.
  ids.public = await t.createOutside(`${t.prefix}-public`, { env: ['SHARED_TOKEN=s3cret-value'] });
  // Berth's own embedded database, present too: never public.
  database = await t.createOutside(`${t.prefix}-database`, { labels: { [embeddedDatabaseLabel.name]: embeddedDatabaseLabel.value } });
  expect((await t.request('/containers', { cookie: t.admin.cookie })).status).toBe(200);
  // Made by user A through Berth: A's.
  const created = await t.create(t.alice, { name: `${t.prefix}-alices` });
  expect(created.status).toBe(201);
  ids["A's"] = idFromRow(await textOf(created));
  // Made with the Docker API after the first sync: external once a sync sees it.
  ids.external = await t.createOutside(`${t.prefix}-external`);
  expect((await t.request('/containers', { cookie: t.admin.cookie })).status).toBe(200);
  for (const id of Object.values(ids)) await vi.waitFor(async () => expect((await t.inspect(id))?.State.Running).toBe(true));
});
afterAll(async () => {
  await t?.close();
});

test('the sync put each container in the expected workspace, and audited the outside one as external', async () => {
  expect((await t.resourceRow('container', ids.public))?.workspace).toBe('public');
  expect((await t.resourceRow('container', ids["A's"]))?.workspace).toBe('alice');
  expect((await t.resourceRow('container', ids.external))).toMatchObject({ workspace: 'external', origin: 'external' });
  const appeared = await t.db.db.select().from(auditEvents).where(eq(auditEvents.targetId, ids.external));
  expect(appeared.map((e) => [e.action, e.actorType])).toEqual([['container.appeared', 'external']]);
});

test("Berth's own database container, present at the first sync, is for admins only: users neither list nor reach it", async () => {
  expect((await t.resourceRow('container', database))?.workspace).toBe('system');
  expect(await t.listedIds(t.admin)).toContain(database);
  for (const user of [t.alice, t.bob]) {
    expect(await t.listedIds(user)).not.toContain(database);
    expect((await t.request(`/containers/local/${database}`, { cookie: user.cookie })).status).toBe(404);
    expect((await t.request(`/containers/local/${database}/pause`, { method: 'POST', cookie: user.cookie, htmx: true })).status).toBe(404);
  }
  expect((await t.inspect(database))?.State.Paused).toBe(false);
});

test("a public container's environment values are for admins only: users see the names", async () => {
  const page = async (cookie: string) => textOf(await t.request(`/containers/local/${ids.public}`, { cookie }));
  expect(await page(t.admin.cookie)).toContain('SHARED_TOKEN=s3cret-value');
  const asUser = await page(t.alice.cookie);
  expect(asUser).toContain('SHARED_TOKEN=(hidden: only its owner and admins see values)');
  expect(asUser).not.toContain('s3cret-value');
});

test('a public container is committed by admins only: a user would get an image holding its environment values', async () => {
  const reference = `${t.prefix}/copy:1`;
  const refused = await t.postForm(`/containers/local/${ids.public}/commit`, { image: reference }, { cookie: t.alice.cookie, htmx: true });
  expect(refused.status).toBe(403);
  expect(await textOf(refused)).toContain('Only an administrator can commit a public container');
  expect(await t.docker.getImage(reference).inspect().then(() => 'made', () => 'none')).toBe('none');
  expect((await t.auditFor(ids.public)).filter((e) => e.action === 'container.commit').map((e) => [e.actorName, e.outcome])).toEqual([['alice', 'denied']]);
});

test('user A, user B and an admin each list, inspect and restart every container', async () => {
  const actors = { 'user A': t.alice, 'user B': t.bob, admin: t.admin };
  const rows: string[] = [];
  const table: Record<string, Record<string, string>> = {};
  for (const [actorName, actor] of Object.entries(actors)) {
    const listed = await t.listedIds(actor);
    for (const [containerName, id] of Object.entries(ids)) {
      const startedBefore = (await t.inspect(id))?.State.StartedAt;
      const detail = await t.request(`/containers/local/${id}`, { cookie: actor.cookie });
      const restart = await t.request(`/containers/local/${id}/restart`, { method: 'POST', cookie: actor.cookie, htmx: true });
      const after = await t.inspect(id);
      const restarted = after?.State.StartedAt !== startedBefore;
      const cell = `${listed.includes(id) ? 'listed' : 'hidden'} / inspect ${detail.status} / restart ${restart.status}${restarted ? ' (restarted)' : ' (untouched)'}`;
      rows.push(`${actorName} × ${containerName}: ${cell}`);
      (table[actorName] ??= {})[containerName] = cell;
    }
  }
  console.table(table);

  const allowed = 'listed / inspect 200 / restart 200 (restarted)';
  const denied = 'hidden / inspect 404 / restart 404 (untouched)';
  expect(rows).toEqual([
    `user A × A's: ${allowed}`,
    `user A × public: ${allowed}`,
    `user A × external: ${denied}`,
    `user B × A's: ${denied}`,
    `user B × public: ${allowed}`,
    `user B × external: ${denied}`,
    `admin × A's: ${allowed}`,
    `admin × public: ${allowed}`,
    `admin × external: ${allowed}`,
  ]);

  // Every refusal is in the audit trail as denied, under the actor's name.
  const deniedRecords = (await t.db.db.select().from(auditEvents).where(eq(auditEvents.outcome, 'denied')))
    .filter((e) => Object.values(ids).includes(e.targetId ?? '') && ['container.inspect', 'container.restart'].includes(e.action))
    .map(
    (e) => `${e.actorName} ${e.action} ${e.targetId === ids["A's"] ? "A's" : e.targetId === ids.external ? 'external' : e.targetId}`,
  );
  expect(deniedRecords.sort()).toEqual(
    [
      'alice container.inspect external',
      'alice container.restart external',
      "bob container.inspect A's",
      "bob container.restart A's",
      'bob container.inspect external',
      'bob container.restart external',
    ].sort(),
  );
});

test('a user row named after a workspace (made before names were reserved) gets no access to that workspace', async () => {
  {
    const squatter = await createSignedInUser(t.db, 'external');
    const listed = await t.listedIds(squatter);
    expect(listed).not.toContain(ids.external);
    expect(listed).not.toContain(ids["A's"]);
    expect(listed).toContain(ids.public);
    const detail = await t.request(`/containers/local/${ids.external}`, { cookie: squatter.cookie });
    expect(detail.status).toBe(404);
    const stop = await t.request(`/containers/local/${ids.external}/stop`, { method: 'POST', cookie: squatter.cookie, htmx: true });
    expect(stop.status).toBe(404);
    expect((await t.inspect(ids.external))?.State.Running).toBe(true);
  }
});
