// Every container operation through the app, against a real agent, real Docker and real MySQL.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { generateKeyPair } from '../../agent/protocol/keys.ts';
import { upsertHost } from '../../db/queries/hosts.ts';
import { hosts } from '../../db/schema.ts';
import { auditUnwritableMessage } from '../../functions/middleware/audit-writable.ts';
import { createTestApp } from '../support/app.ts';
import { auditRecordsOf } from '../support/audit-records.ts';
import { createRestrictedAccount, withAuditUnwritable } from '../support/restricted-account.ts';
import { workspaceLabels } from '../../functions/resources/labels.ts';
import { idFromRow, IMAGE, startContainersTestbed, STOPPABLE_ARGV, textOf, type ContainersTestbed } from './support.ts';

let t: ContainersTestbed;

beforeAll(async () => {
  t = await startContainersTestbed('containers');
  // The first sync: what exists now (our image included) is public.
  expect((await t.request('/containers', { cookie: t.admin.cookie })).status).toBe(200);
});
afterAll(async () => {
  await t?.close();
});

async function createRunning(fields: Record<string, string> = {}, user = t.alice): Promise<string> {
  const response = await t.create(user, fields);
  expect(response.status).toBe(201);
  const id = idFromRow(await textOf(response));
  await vi.waitFor(async () => expect((await t.inspect(id))?.State.Running).toBe(true));
  return id;
}

function act(id: string, action: string, user = t.alice) {
  return t.request(`/containers/local/${id}/${action}`, { method: 'POST', cookie: user.cookie, htmx: true });
}

describe('create', () => {
  test('creates and starts a container from the form, owned by its creator, labelled, and audited', async () => {
    const name = `${t.prefix}-web`;
    const response = await t.create(t.alice, {
      name,
      env: 'GREETING=hello world\nMODE=test',
      ports: '127.0.0.1::80\n127.0.0.1::53/udp',
      restart: 'on-failure:2',
    });
    expect(response.status).toBe(201);
    const html = await textOf(response);
    const id = idFromRow(html);
    expect(html).toContain(name);
    expect(html).toContain('hx-swap-oob');
    expect(html).toContain(`Created and started ${name}.`);

    const info = await t.inspect(id);
    expect(info?.State.Running).toBe(true);
    expect(info?.Config.Cmd).toEqual(STOPPABLE_ARGV);
    // Created through one of the chosen image's tags, so Docker and the row show a name, not an id.
    expect((await t.docker.getImage(t.imageId).inspect()).RepoTags).toContain(info?.Config.Image);
    expect(html).toContain(`<td>${info?.Config.Image}</td>`);
    expect(info?.Image).toBe(t.imageId);
    expect(info?.Config.Env).toEqual(expect.arrayContaining(['GREETING=hello world', 'MODE=test']));
    expect(info?.Config.Labels).toMatchObject({ [workspaceLabels.workspace]: 'alice', [workspaceLabels.creator]: 'alice' });
    expect(info?.HostConfig.RestartPolicy).toEqual({ Name: 'on-failure', MaximumRetryCount: 2 });
    const tcp = info?.NetworkSettings.Ports['80/tcp']?.[0];
    expect(tcp?.HostIp).toBe('127.0.0.1');
    expect(Number(tcp?.HostPort)).toBeGreaterThan(0);
    expect(info?.NetworkSettings.Ports['53/udp']?.[0]?.HostIp).toBe('127.0.0.1');
    expect(info?.HostConfig.Privileged).toBe(false);

    expect(await t.resourceRow('container', id)).toMatchObject({ workspace: 'alice', origin: 'platform', createdBy: 'alice', name });
    const audit = await t.auditFor(id);
    // One record for the request, the start included.
    expect(audit.map((e) => [e.action, e.outcome, e.actorName, e.hostName, e.targetName])).toEqual([
      ['container.create', 'success', 'alice', 'local', name],
    ]);
    expect(audit[0]?.message).toBe(`Created and started ${name}. Image ${info?.Config.Image}.`);
    // Env values can be secrets: only their names are recorded.
    expect(audit[0]?.detail).toMatchObject({
      envNames: ['GREETING', 'MODE'],
      cmd: STOPPABLE_ARGV,
      restricted: true,
      start: { ok: true, message: 'Started.' },
    });
    expect(JSON.stringify(audit[0]?.detail)).not.toContain('hello world');

    // The list shows it with the mission's columns.
    const page = await (await t.request('/containers', { cookie: t.alice.cookie })).text();
    const rowHtml = page.slice(page.indexOf(`data-container-id="${id}"`));
    expect(rowHtml).toContain(id.slice(0, 12));
    expect(rowHtml).toMatch(/127\.0\.0\.1:\d+→80\/tcp/);
    expect(rowHtml).toMatch(/Up /);
    expect(rowHtml).toContain(`/logs/local/${id}`);
  });

  test('a quoted command reaches the container as the argv the user meant', async () => {
    const response = await t.create(t.alice, { name: `${t.prefix}-echo`, command: `sh -c "echo 'a  b' \\"c\\""` });
    expect(response.status).toBe(201);
    const id = idFromRow(await textOf(response));
    expect((await t.inspect(id))?.Config.Cmd).toEqual(['sh', '-c', `echo 'a  b' "c"`]);
    await vi.waitFor(async () => expect((await t.inspect(id))?.State.Status).toBe('exited'));
    const logs = await t.docker.getContainer(id).logs({ stdout: true, stderr: true });
    // The 8-byte stream header, then exactly what the shell printed.
    expect(logs.subarray(8).toString('utf8')).toBe('a  b c\n');
  });

  test('without "start" the container is only created', async () => {
    const response = await t.create(t.alice, { name: `${t.prefix}-idle`, start: '' });
    expect(response.status).toBe(201);
    const id = idFromRow(await textOf(response));
    expect((await t.inspect(id))?.State.Status).toBe('created');
    expect((await t.auditFor(id)).map((e) => e.action)).toEqual(['container.create']);
  });

  test("an admin's create is unrestricted and recorded as such; a user's is restricted", async () => {
    const id = idFromRow(await await textOf(await t.create(t.admin, { name: `${t.prefix}-admins` })));
    expect((await t.auditFor(id))[0]?.detail).toMatchObject({ restricted: false });
    expect(await t.resourceRow('container', id)).toMatchObject({ workspace: 'root', createdBy: 'root' });
  });
});

describe('actions', () => {
  let id: string;
  beforeAll(async () => {
    id = await createRunning({ name: `${t.prefix}-acts` });
  });

  test.each([
    ['stop', 'Stopped.', 'exited', true],
    ['stop', 'The container was already stopped; nothing changed.', 'exited', false],
    ['start', 'Started.', 'running', true],
    ['start', 'The container was already running; nothing changed.', 'running', false],
    ['pause', 'Paused.', 'paused', true],
    ['pause', 'The container was already paused; nothing changed.', 'paused', false],
    ['unpause', 'Unpaused.', 'running', true],
    ['unpause', 'The container was not paused; nothing changed.', 'running', false],
    ['restart', 'Restarted.', 'running', true],
    ['kill', 'Killed.', 'exited', true],
    ['kill', 'The container was not running; nothing changed.', 'exited', false],
  ] as const)('%s → "%s" (state %s)', async (action, message, state, changed) => {
    const before = await t.inspect(id);
    const response = await act(id, action);
    expect(response.status).toBe(200);
    const html = await textOf(response);
    expect(html).toContain(message);
    expect(html).toContain(changed ? 'notice-success' : 'notice-info');
    // The row is sent back for the swap, showing the new state's buttons.
    expect(idFromRow(html)).toBe(id);
    const after = await t.inspect(id);
    expect(after?.State.Status).toBe(state);
    if (action === 'restart') expect(after?.State.StartedAt).not.toBe(before?.State.StartedAt);
    const [last] = (await t.auditFor(id)).reverse();
    expect(last).toMatchObject({ action: `container.${action}`, outcome: 'success', message, actorName: 'alice', hostName: 'local' });
    expect(last?.detail).toEqual({ changed });
  });

  test('the detail page shows what docker inspect says, and the view is audited', async () => {
    const response = await t.request(`/containers/local/${id}`, { cookie: t.alice.cookie });
    expect(response.status).toBe(200);
    const html = await textOf(response);
    expect(html).toContain(`${t.prefix}-acts`);
    expect(html).toContain(id);
    expect(html).toContain(`"trap 'exit 0' TERM; while true; do sleep 1; done"`);
    const [last] = (await t.auditFor(id)).reverse();
    expect(last).toMatchObject({ action: 'container.inspect', outcome: 'success' });
  });
});

describe('remove', () => {
  test('a running container is not removed without force (409, Docker says why, nothing changes); with force it is', async () => {
    const id = await createRunning({ name: `${t.prefix}-rm` });
    const refused = await t.request(`/containers/local/${id}`, { method: 'DELETE', cookie: t.alice.cookie, htmx: true });
    expect(refused.status).toBe(409);
    expect(refused.headers.get('hx-retarget')).toBe('#messages');
    expect(await textOf(refused)).toMatch(/cannot remove a running container/i);
    expect((await t.inspect(id))?.State.Running).toBe(true);
    expect(await t.resourceRow('container', id)).not.toBeNull();
    expect((await t.auditFor(id)).at(-1)).toMatchObject({
      action: 'container.remove',
      outcome: 'failure',
      message: expect.stringMatching(/cannot remove a running container/i),
    });

    const removed = await t.request(`/containers/local/${id}?force=1`, { method: 'DELETE', cookie: t.alice.cookie, htmx: true });
    expect(removed.status).toBe(200);
    const html = await textOf(removed);
    expect(html).toContain('Removed (forced).');
    expect(html).not.toContain('<tr');
    expect(await t.inspect(id)).toBeNull();
    expect(await t.resourceRow('container', id)).toBeNull();
    expect((await t.auditFor(id)).at(-1)).toMatchObject({ action: 'container.remove', outcome: 'success', detail: { force: true } });
  });

  test('a stopped container is removed without force', async () => {
    const id = idFromRow(await await textOf(await t.create(t.alice, { name: `${t.prefix}-rm2`, start: '' })));
    const removed = await t.request(`/containers/local/${id}`, { method: 'DELETE', cookie: t.alice.cookie, htmx: true });
    expect(removed.status).toBe(200);
    expect(await t.inspect(id)).toBeNull();
  });
});

describe('commit', () => {
  test('commits to repository:tag; the image belongs to the committer and carries their labels', async () => {
    const id = await createRunning({ name: `${t.prefix}-snap` });
    const reference = `${t.prefix}/snap:v1`;
    const response = await t.postForm(`/containers/local/${id}/commit`, { image: reference }, { cookie: t.alice.cookie, htmx: true });
    expect(response.status).toBe(200);
    expect(await textOf(response)).toContain(`to ${reference}`);
    const image = await t.docker.getImage(reference).inspect();
    expect(image.Config.Labels).toMatchObject({ [workspaceLabels.workspace]: 'alice', [workspaceLabels.creator]: 'alice' });
    expect(await t.resourceRow('image', image.Id)).toMatchObject({ workspace: 'alice', origin: 'platform', createdBy: 'alice', name: reference });
    expect((await t.auditFor(id)).at(-1)).toMatchObject({
      action: 'container.commit',
      outcome: 'success',
      detail: { image: reference, imageId: image.Id },
    });

    // An admin committing alice's container makes an image that is the admin's, not alice's.
    const adminReference = `${t.prefix}/snap:by-admin`;
    expect((await t.postForm(`/containers/local/${id}/commit`, { image: adminReference }, { cookie: t.admin.cookie, htmx: true })).status).toBe(200);
    const adminImage = await t.docker.getImage(adminReference).inspect();
    expect(adminImage.Config.Labels).toMatchObject({ [workspaceLabels.workspace]: 'root', [workspaceLabels.creator]: 'root' });
    expect(await t.resourceRow('image', adminImage.Id)).toMatchObject({ workspace: 'root' });
  });

  test('commits to a long reference (a 200-character name and a 128-character tag), recorded whole', async () => {
    const id = await createRunning({ name: `${t.prefix}-long` });
    const repository = `${t.prefix}/${'r'.repeat(200 - t.prefix.length - 1)}`;
    const reference = `${repository}:${'t'.repeat(128)}`;
    const response = await t.postForm(`/containers/local/${id}/commit`, { image: reference }, { cookie: t.alice.cookie, htmx: true });
    expect(response.status).toBe(200);
    const image = await t.docker.getImage(reference).inspect();
    expect(await t.resourceRow('image', image.Id)).toMatchObject({ workspace: 'alice', name: reference });
    expect((await t.auditFor(id)).at(-1)).toMatchObject({ action: 'container.commit', outcome: 'success', detail: { image: reference } });
  });

  test('refuses to commit onto a tag that exists (another user\'s, or a shared one): 409, the tag stays, no image made', async () => {
    const id = await createRunning({ name: `${t.prefix}-retag` });
    // Bob's private tag, on an image of his own.
    const bobs = `${t.prefix}/bobs:v1`;
    const bobsContainer = await createRunning({ name: `${t.prefix}-bobs` }, t.bob);
    expect((await t.postForm(`/containers/local/${bobsContainer}/commit`, { image: bobs }, { cookie: t.bob.cookie, htmx: true })).status).toBe(200);
    // A tag of our own making outside Berth, standing for a shared image (never the test image's own tag).
    const shared = `${t.prefix}/shared:latest`;
    await t.docker.getContainer(bobsContainer).commit({ repo: `${t.prefix}/shared`, tag: 'latest' });

    for (const reference of [bobs, shared]) {
      const before = (await t.docker.getImage(reference).inspect()).Id;
      const imagesBefore = (await t.docker.listImages()).map((image) => image.Id);
      const response = await t.postForm(`/containers/local/${id}/commit`, { image: reference }, { cookie: t.alice.cookie, htmx: true });
      expect(response.status).toBe(409);
      expect(await textOf(response)).toContain(`${reference} already exists; choose another tag or remove it first.`);
      expect((await t.docker.getImage(reference).inspect()).Id).toBe(before);
      const made = (await t.docker.listImages()).filter((image) => !imagesBefore.includes(image.Id));
      expect(made.filter((image) => image.Labels?.[workspaceLabels.workspace] === 'alice')).toEqual([]);
      expect((await t.auditFor(id)).at(-1)).toMatchObject({ action: 'container.commit', outcome: 'failure' });
    }
    expect((await t.resourceRow('image', (await t.docker.getImage(bobs).inspect()).Id))?.workspace).toBe('bob');
  });
});

describe('adoption', () => {
  test("a container made with the Docker API carrying Berth's labels is adopted into the named workspace and audited once", async () => {
    const name = `${t.prefix}-labelled`;
    const labels = { [workspaceLabels.workspace]: 'bob', [workspaceLabels.creator]: 'bob' };
    const container = await t.docker.createContainer({ name, Image: IMAGE, Cmd: STOPPABLE_ARGV, Labels: labels });
    expect(await t.listedIds(t.bob)).toContain(container.id);
    expect(await t.listedIds(t.alice)).not.toContain(container.id);
    expect(await t.listedIds(t.admin)).toContain(container.id);
    expect(await t.resourceRow('container', container.id)).toMatchObject({ workspace: 'bob', origin: 'platform', createdBy: 'bob' });
    expect((await t.auditFor(container.id)).map((e) => [e.action, e.outcome, e.actorType, e.actorName, e.targetName, e.message])).toEqual([
      ['container.adopted', 'success', 'system', 'system', name, "A container carrying Berth's labels for workspace bob was adopted into it."],
    ]);
  });
});

describe('bad input: a clear message, a 4xx, and nothing changed', () => {
  let running: string;
  beforeAll(async () => {
    running = await createRunning({ name: `${t.prefix}-target` });
  });

  async function namedContainers(name: string) {
    return t.docker.listContainers({ all: true, filters: { name: [`^/${name}$`] } });
  }

  test('an unknown container id: 404, audited as denied', async () => {
    const unknown = 'f'.repeat(64);
    const response = await act(unknown, 'start');
    expect(response.status).toBe(404);
    expect(await textOf(response)).toContain('No such container on local.');
    expect((await t.auditFor(unknown)).map((e) => [e.action, e.outcome])).toEqual([['container.start', 'denied']]);
  });

  test.each(['not-a-container', 'ABCDEF', 'short-prefix'])('a malformed id (%s): 400, audited', async (given) => {
    // A 12-character prefix is not accepted either: ids are compared in full.
    const bad = given === 'short-prefix' ? running.slice(0, 12) : given;
    const response = await act(bad, 'stop');
    expect(response.status).toBe(400);
    expect(await textOf(response)).toContain('is not a container id');
    expect((await t.auditFor(bad)).at(-1)).toMatchObject({ action: 'container.stop', outcome: 'failure' });
    expect((await t.inspect(running))?.State.Running).toBe(true);
  });

  test.each([
    ['a command with ESC', { command: 'echo \u001b[2Jfake' }, 'The command contains U+001B (a control character)'],
    ['an env value with a bidi override', { env: 'FILE=gpj\u202Eexe' }, 'contains U+202E (a Unicode text-direction override)'],
  ])('create with %s: 400 with a clear message, audited, no container made', async (_, fields, message) => {
    const name = `${t.prefix}-unsafe-${crypto.randomUUID().slice(0, 6)}`;
    const response = await t.create(t.alice, { name, ...fields });
    expect(response.status).toBe(400);
    expect(await textOf(response)).toContain(message);
    expect((await t.auditNamed(name)).map((e) => [e.action, e.outcome])).toEqual([['container.create', 'failure']]);
    expect(await namedContainers(name)).toEqual([]);
  });

  test("another user's container: 404 as if it did not exist, audited as denied, and it keeps running", async () => {
    for (const action of ['stop', 'kill', 'pause']) {
      const response = await act(running, action, t.bob);
      expect(response.status).toBe(404);
      expect(await textOf(response)).toContain('No such container on local.');
    }
    const remove = await t.request(`/containers/local/${running}?force=1`, { method: 'DELETE', cookie: t.bob.cookie, htmx: true });
    expect(remove.status).toBe(404);
    const commit = await t.postForm(`/containers/local/${running}/commit`, { image: `${t.prefix}/stolen:v1` }, { cookie: t.bob.cookie, htmx: true });
    expect(commit.status).toBe(404);
    expect((await t.request(`/containers/local/${running}`, { cookie: t.bob.cookie })).status).toBe(404);
    expect((await t.inspect(running))?.State.Status).toBe('running');
    const denied = (await t.auditFor(running)).filter((e) => e.actorName === 'bob');
    expect(denied.map((e) => [e.action, e.outcome])).toEqual([
      ['container.stop', 'denied'],
      ['container.kill', 'denied'],
      ['container.pause', 'denied'],
      ['container.remove', 'denied'],
      ['container.commit', 'denied'],
      ['container.inspect', 'denied'],
    ]);
  });

  test('an unknown host or action: 404', async () => {
    const elsewhere = await t.request(`/containers/elsewhere/${running}/stop`, { method: 'POST', cookie: t.alice.cookie });
    expect(elsewhere.status).toBe(404);
    expect(await textOf(elsewhere)).toContain('There is no host named "elsewhere".');
    expect(await auditRecordsOf(t.db.db, elsewhere)).toMatchObject([{ action: 'container.stop', outcome: 'failure' }]);
    expect((await act(running, 'explode')).status).toBe(404);
    expect((await t.inspect(running))?.State.Running).toBe(true);
  });

  test.each<[string, Record<string, string>, RegExp]>([
    ['a command with an unbalanced quote', { command: `sh -c "echo 'a b'` }, /unbalanced quote/],
    ['a shell operator', { command: 'echo hi > /tmp/out' }, /unquoted shell operator >/],
    ['a host port above 65535', { ports: '70000:80' }, /Host port 70000 is outside 1–65535/],
    ['a container port of 0', { ports: '8080:0' }, /Container port 0 is outside 1–65535/],
    ['a malformed name', { name: '-bad name' }, /is not a valid container name/],
    ['a bad environment key', { env: 'BAD-KEY=1' }, /"BAD-KEY" is not a valid environment variable name/],
    ['an unknown restart policy', { restart: 'sometimes' }, /is not a restart policy/],
    ['no image', { image: '' }, /Choose an image from the list/],
  ])('%s: 400 with the reason, no container, audited', async (_what, fields, message) => {
    const name = fields.name ?? `${t.prefix}-bad-${crypto.randomUUID().slice(0, 6)}`;
    const response = await t.create(t.alice, { name, ...fields });
    expect(response.status).toBe(400);
    expect(response.headers.get('hx-retarget')).toBe('#messages');
    expect(await textOf(response)).toMatch(message);
    if (!fields.name) expect(await namedContainers(name)).toEqual([]);
    expect((await t.auditNamed(name)).map((e) => [e.action, e.outcome, e.message])).toEqual([
      ['container.create', 'failure', expect.stringMatching(message)],
    ]);
  });

  test('an image the user cannot see: 404, audited as denied, no container', async () => {
    const name = `${t.prefix}-noimg`;
    const hidden = `sha256:${'e'.repeat(64)}`;
    const response = await t.create(t.alice, { name, image: hidden });
    expect(response.status).toBe(404);
    expect(await textOf(response)).toContain('No such image on local.');
    expect(await namedContainers(name)).toEqual([]);
    expect((await t.auditFor(hidden)).map((e) => [e.action, e.outcome])).toEqual([['container.create', 'denied']]);
  });

  test('a duplicate container name: 409 naming the name, not the container that holds it; the first is untouched and no second one exists', async () => {
    const name = `${t.prefix}-target`;
    const response = await t.create(t.alice, { name });
    expect(response.status).toBe(409);
    const text = await textOf(response);
    expect(text).toContain(`The name ${name} is already in use on this host; choose another.`);
    expect(text).not.toContain(running.slice(0, 12));
    const same = await namedContainers(name);
    expect(same.map((c) => c.Id)).toEqual([running]);
    expect((await t.inspect(running))?.State.Running).toBe(true);
  });

  test.each([
    ['Upper/Case:v1', /"Upper" has capital letters/],
    [`${'x'}:bad tag`, /contains a space or other whitespace/],
    ['', /Give the new image a name/],
  ])('commit to an invalid name (%j): 400, no image made', async (image, message) => {
    const before = (await t.docker.listImages()).length;
    const response = await t.postForm(`/containers/local/${running}/commit`, { image }, { cookie: t.alice.cookie, htmx: true });
    expect(response.status).toBe(400);
    expect(await textOf(response)).toMatch(message);
    expect((await t.auditFor(running)).at(-1)).toMatchObject({ action: 'container.commit', outcome: 'failure' });
    expect((await t.docker.listImages({ filters: { reference: ['Upper/Case'] } })).length).toBe(0);
    expect((await t.docker.listImages()).length).toBeLessThanOrEqual(before + 1);
  });
});

describe('fail closed', () => {
  test('with the audit table unwritable, a container start is refused and the container stays stopped', async () => {
    const account = await createRestrictedAccount(t.db);
    try {
      // The same app on the application's production account, whose audit INSERT right can be taken away.
      const { request } = await createTestApp({ db: { ...t.db, db: account.db }, agents: t.agents });
      const id = idFromRow(await textOf(await t.create(t.alice, { name: `${t.prefix}-closed`, start: '' })));
      const start = () => request(`/containers/local/${id}/start`, { method: 'POST', cookie: t.alice.cookie, htmx: true });

      const refused = await withAuditUnwritable(account, start);
      expect(refused.status).toBe(503);
      expect(await textOf(refused)).toContain(auditUnwritableMessage);
      expect((await t.inspect(id))?.State.Status).toBe('created');
      expect((await t.auditFor(id)).map((e) => e.action)).toEqual(['container.create']);

      // Writable again: the start happens, with its record.
      const again = await start();
      expect(again.status).toBe(200);
      expect((await t.inspect(id))?.State.Running).toBe(true);
      expect(await auditRecordsOf(t.db.db, again)).toMatchObject([{ action: 'container.start', outcome: 'success', targetId: id }]);
    } finally {
      await account.drop();
    }
  });
});

describe('the agent refuses a raw Docker body', () => {
  test('fields outside the create API (privileged, the Docker socket) are refused 400 before Docker is asked', async () => {
    const name = `${t.prefix}-raw`;
    const result = await t.local.client('alice').request('POST', '/v1/containers', {
      image: IMAGE,
      cmd: ['true'],
      name,
      env: [],
      ports: [],
      restartPolicy: { name: 'no' },
      labels: {},
      restricted: true,
      HostConfig: { Privileged: true, Binds: ['/var/run/docker.sock:/var/run/docker.sock'] },
    });
    expect(result).toMatchObject({ ok: false, kind: 'rejected', status: 400, message: 'Unknown field "HostConfig".' });
    expect(await t.docker.listContainers({ all: true, filters: { name: [name] } })).toEqual([]);
  });
});

describe('the page across hosts', () => {
  test('a host that is down shows a notice and the rest of the page works; ?host= filters', async () => {
    const id = await createRunning({ name: `${t.prefix}-seen` });
    const { publicKey } = await generateKeyPair();
    await upsertHost(t.db.db, { name: 'down', agentUrl: 'http://127.0.0.1:1', agentPublicKey: publicKey.encoded, createdAt: new Date() });
    try {
      const all = await textOf(await t.request('/containers', { cookie: t.alice.cookie }));
      expect(all).toMatch(/Host down is unreachable: The agent at http:\/\/127\.0\.0\.1:1 is unreachable/);
      expect(all).toContain(`data-container-id="${id}"`);

      const filtered = await t.request('/containers?host=local', { cookie: t.alice.cookie });
      const html = await textOf(filtered);
      expect(html).toContain(`data-container-id="${id}"`);
      expect(html).not.toContain('Host down is unreachable');
      expect((await t.request('/containers?host=nowhere', { cookie: t.alice.cookie })).status).toBe(404);
    } finally {
      await t.db.db.delete(hosts).where(eq(hosts.name, 'down'));
    }
  });

  test('the create form offers the images the user can see on the chosen host', async () => {
    const response = await t.request('/containers/image-options?host=local', { cookie: t.alice.cookie, htmx: true });
    expect(response.status).toBe(200);
    const html = await textOf(response);
    expect(html).toContain(`<option value="${t.imageId}">`);
    expect(html).toContain(IMAGE);
    expect((await t.request('/containers/image-options?host=nowhere', { cookie: t.alice.cookie, htmx: true })).status).toBe(404);
  });

  test('without a session the page sends the visitor to log in', async () => {
    const response = await t.request('/containers');
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/login');
  });
});
