// The log pages through the control plane (app.request), a real agent and
// real containers: escaping, filters, download, live SSE, isolation, audit.
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, test, vi } from 'vitest';
import { generateKeyPair, type KeyPair } from '../../agent/protocol/keys.ts';
import { LOG_MAX_LINE_CHARS } from '../../agent/protocol/log-options.ts';
import { upsertHost } from '../../db/queries/hosts.ts';
import { claimResource } from '../../db/queries/resources.ts';
import { auditEvents, type Host } from '../../db/schema.ts';
import { killAgentProcess, startAgentProcess, type AgentProcess } from '../support/agent-process.ts';
import { startTestAgentHost, type TestAgentHost } from '../support/agent-host.ts';
import { createSignedInUser, createTestApp, testAgentClient } from '../support/app.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { textOf } from '../support/text-of.ts';
import { docker, IMAGE, logTestKit, type ContainerSpec } from './support.ts';

const kit = logTestKit('logs-pages');
let db: TestDatabase;
let keys: KeyPair;
let host: Host;
let local: TestAgentHost;
let berth: Awaited<ReturnType<typeof createTestApp>>;
let alice: Awaited<ReturnType<typeof createSignedInUser>>;
let bob: Awaited<ReturnType<typeof createSignedInUser>>;
const processes: AgentProcess[] = [];

/** A container of the run, owned by `workspace` in Berth's records. */
async function container(spec: ContainerSpec, workspace = 'alice', onHost: Host = host) {
  const started = await kit.runContainer(spec);
  const info = await started.inspect();
  const name = info.Name.replace(/^\//, '');
  await claimResource(db.db, {
    hostId: onHost.id,
    kind: 'container',
    dockerId: info.Id,
    workspace,
    origin: 'platform',
    createdBy: workspace,
    name,
    createdAt: new Date(),
  });
  return { id: info.Id, name, handle: started };
}

function logsUrl(id: string, query = '', suffix = '', onHost: Host = host) {
  return `/logs/${onHost.name}/${id}${suffix}${query ? `?${query}` : ''}`;
}

async function page(id: string, query = '', cookie = alice.cookie) {
  const response = await berth.request(logsUrl(id, query), { cookie });
  return { status: response.status, body: await response.text() };
}

async function auditFor(action: string) {
  return db.db.select().from(auditEvents).where(and(eq(auditEvents.action, action))).orderBy(auditEvents.id);
}

/** Reads an SSE response's text until `done(text)` holds (or the stream ends). */
async function readSse(reader: ReadableStreamDefaultReader<Uint8Array>, done: (text: string) => boolean, sofar = ''): Promise<string> {
  const decoder = new TextDecoder();
  let text = sofar;
  while (!done(text)) {
    const next = await reader.read();
    if (next.done) break;
    text += decoder.decode(next.value, { stream: true });
  }
  return text;
}

/** The HTML of every SSE message, joined (the client joins `data:` lines with "\n"). */
function sseHtml(text: string): string {
  return text
    .split('\n\n')
    .map((message) =>
      message
        .split('\n')
        .filter((line) => line.startsWith('data: '))
        .map((line) => line.slice(6))
        .join('\n'),
    )
    .join('');
}

beforeAll(async () => {
  await vi.waitFor(() => docker.getImage(IMAGE).inspect(), { timeout: 170_000, interval: 1_000 });
  db = await createTestDatabase();
  const client = await testAgentClient();
  keys = client.keys;
  local = await startTestAgentHost({ db, agents: client.agents, keys, name: `logs-${kit.runId}` });
  host = local.host;
  berth = await createTestApp({ db, agents: client.agents });
  alice = await createSignedInUser(db, 'alice');
  bob = await createSignedInUser(db, 'bob');
});
afterAll(async () => {
  await Promise.all(processes.map(killAgentProcess));
  await local?.close();
  await kit.cleanup();
  await db?.drop();
});
beforeEach(() => {
  berth.logger.lines.length = 0;
});

describe('the viewer page', () => {
  test('a log line holding <script> or an hx-get attribute is shown as text', async () => {
    const { id } = await container({
      script: `echo '<script>alert(1)</script>'; echo '<div hx-get="/evil" hx-trigger="load">x</div>' >&2; echo "<img src=x onerror='alert(2)'>"`,
    });
    const { status, body } = await page(id);
    expect(status).toBe(200);
    expect(body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(body).toContain('&lt;div hx-get=&quot;/evil&quot; hx-trigger=&quot;load&quot;&gt;x&lt;/div&gt;');
    expect(body).toContain('&lt;img src=x onerror=&#39;alert(2)&#39;&gt;');
    expect(body).not.toMatch(/<script>alert|<div hx-get|<img src=x/);
    // stdout and stderr are told apart.
    expect(body.match(/class="log-line log-stdout"/g)).toHaveLength(2);
    expect(body.match(/class="log-line log-stderr"/g)).toHaveLength(1);
  });

  test('CR and ANSI codes do not break the page: colours become classes, other sequences are dropped', async () => {
    const { id } = await container({
      script: "printf '\\033[1;31mred alert\\033[0m plain\\033[2K\\033]0;window-title\\007 done\\n10%%\\r50%%\\r100%%\\n\\033[38;5;46mpalette\\033[0m\\n'",
    });
    const { status, body } = await page(id);
    expect(status).toBe(200);
    const lines = body.match(/<div class="log-line[^"]*">.*?<\/span><\/div>/g) ?? [];
    expect(lines).toHaveLength(3);
    expect(lines[0]).toContain('<span class="ansi-fg-red ansi-bold">red alert</span> plain done');
    expect(lines[1]).toContain('10%&#13;50%&#13;100%');
    expect(lines[2]).toContain('<span class="ansi-fg-bright-green">palette</span>');
    expect(body).not.toMatch(/[\u001b\r]/);
    expect(body).not.toContain('window-title');
    expect(body).not.toContain('style=');
    expect(body.trimEnd()).toMatch(/<\/html>$/);
  });

  test('NUL, BEL and DEL, which HTML cannot carry, are shown as control pictures; the download keeps the bytes', async () => {
    const { id } = await container({ script: "printf 'nul:\\000:bel:\\007:del:\\177:tab:\\t:end\\n'" });
    const { status, body } = await page(id);
    expect(status).toBe(200);
    expect(body).toContain('nul:\u2400:bel:\u2407:del:\u2421:tab:\t:end');
    expect(body).not.toMatch(/[\u0000\u0007\u007f]/);
    const download = await berth.request(logsUrl(id, 'opts=1&stdout=1&stderr=1&tail=all', '/download'), { cookie: alice.cookie });
    expect(await download.text()).toBe('nul:\u0000:bel:\u0007:del:\u007f:tab:\t:end\n');
  });

  test('tail=0 shows no lines and tail=all every line; an empty log is an empty result, not an error', async () => {
    const { id } = await container({ script: 'seq 1 300' });
    const none = await page(id, 'opts=1&stdout=1&stderr=1&tail=0');
    expect(none.status).toBe(200);
    expect(none.body).not.toContain('class="log-line');
    expect(none.body).toContain('The log has no lines for these options.');
    const all = await page(id, 'opts=1&stdout=1&stderr=1&tail=all');
    expect(all.body.match(/class="log-line/g)).toHaveLength(300);
    // The default link shows the last 200.
    const byDefault = await page(id);
    expect(byDefault.body.match(/class="log-line/g)).toHaveLength(200);
    expect(byDefault.body).toContain('<span class="log-text">101</span>');

    const empty = await container({ script: 'true' });
    const emptyPage = await page(empty.id);
    expect(emptyPage.status).toBe(200);
    expect(emptyPage.body).toContain('The log has no lines for these options.');
    expect(emptyPage.body).toContain('End of the log.');
  });

  test('the page keeps the last 2000 lines of a longer log and says how many matched', async () => {
    const { id } = await container({ script: 'seq 1 2500' });
    const { body } = await page(id, 'opts=1&stdout=1&stderr=1&tail=all');
    expect(body.match(/class="log-line/g)).toHaveLength(2000);
    expect(body).toContain('<span class="log-text">501</span>');
    expect(body).toContain('2500 lines; the page shows the last 2000. Download to get all of them.');
  });

  test('timestamps and details are shown in their own columns', async () => {
    const { id } = await container({ script: 'echo hello', labels: { team: 'blue' }, logOptions: { labels: 'team' } });
    const { body } = await page(id, 'opts=1&stdout=1&timestamps=1&details=1&tail=all');
    expect(body).toMatch(/<span class="log-ts">\d{4}-\d\d-\d\dT[\d:.]+Z<\/span><span class="log-details">team=blue<\/span><span class="log-text">hello<\/span>/);
  });

  test("details (env values and labels Docker adds) of a container one does not own are refused 403 and recorded as denied", async () => {
    const { id } = await container({ script: 'echo shared', labels: { secret: 's3cret-label' }, logOptions: { labels: 'secret' } }, 'public');
    const withDetails = 'opts=1&stdout=1&details=1&tail=all';
    for (const path of ['', '/download']) {
      const response = await berth.request(logsUrl(id, withDetails, path), { cookie: bob.cookie });
      const body = await response.text();
      expect(response.status, path).toBe(403);
      expect(body).toContain('are shown to the container&#39;s owner and admins only.');
      expect(body).not.toContain('s3cret-label');
    }
    const stream = await berth.request(logsUrl(id, withDetails, '/stream'), { cookie: bob.cookie });
    expect(await stream.text()).not.toContain('s3cret-label');
    // The same log without details is theirs to read.
    expect((await page(id, 'opts=1&stdout=1&tail=all', bob.cookie)).body).toContain('shared');
    const denied = (await auditFor('container.logs.view')).concat(await auditFor('container.logs.download')).filter((e) => e.targetId === id && e.outcome === 'denied');
    expect(denied.map((e) => e.actorName)).toEqual(['bob', 'bob', 'bob']);
  });

  test('a 1 MB line is shown whole', async () => {
    const { id } = await container({ script: "head -c 1000000 /dev/zero | tr '\\0' q; echo" });
    const { body } = await page(id);
    expect(body).toContain(`<span class="log-text">${'q'.repeat(1_000_000)}</span>`);
  });
});

describe('the filter', () => {
  let id: string;
  beforeAll(async () => {
    ({ id } = await container({ script: "printf 'GET /a 200\\nGET /b 500\\npost /c 201\\n\\033[31mERROR\\033[0m disk full\\n'" }));
  });

  test('plain text matches case-insensitively, on the text as shown', async () => {
    const { body } = await page(id, 'opts=1&stdout=1&tail=all&filter=error disk');
    expect(body.match(/class="log-line/g)).toHaveLength(1);
    expect(body).toContain('disk full');
    expect(body).toContain('1 matching line.');
  });

  test('a regular expression filters on the server', async () => {
    const { body } = await page(id, `opts=1&stdout=1&tail=all&regex=1&filter=${encodeURIComponent('^(GET|post) /[ac] 20\\d$')}`);
    expect(body.match(/<span class="log-text">[^<]*<\/span>/g)).toEqual(['<span class="log-text">GET /a 200</span>', '<span class="log-text">post /c 201</span>']);
  });

  test('an invalid regular expression is a clear message, a 400 and a failure record', async () => {
    const { status, body } = await page(id, `opts=1&stdout=1&regex=1&filter=${encodeURIComponent('(unclosed')}`);
    expect(status).toBe(400);
    expect(body).toContain('The filter is not a valid regular expression: error parsing regexp: missing closing ): `(unclosed`.');
    expect(body).not.toContain('class="log-line');
    const [record] = (await auditFor('container.logs.view')).filter((event) => event.outcome === 'failure' && event.targetId === id);
    expect(record?.message).toMatch(/not a valid regular expression/);
  });

  test('a catastrophic pattern runs in linear time, and an over-long one is refused', async () => {
    const { id: long } = await container({ script: "head -c 50000 /dev/zero | tr '\\0' a; echo b" });
    const started = Date.now();
    const { status, body } = await page(long, `opts=1&stdout=1&regex=1&filter=${encodeURIComponent('^(a+)+$')}`);
    expect(status).toBe(200);
    expect(body).toContain('No line matches the filter.');
    expect(Date.now() - started).toBeLessThan(5_000);

    const tooLong = await page(id, `opts=1&stdout=1&filter=${'x'.repeat(501)}`);
    expect(tooLong.status).toBe(400);
    expect(tooLong.body).toContain('The filter may be at most 500 characters long.');
  });

  test('bad options are clear messages: no stream, a bad tail, a bad time', async () => {
    for (const [query, message] of [
      ['opts=1&tail=10', 'Choose stdout, stderr or both.'],
      ['opts=1&stdout=1&tail=ten', 'Tail must be a number of lines or &quot;all&quot;, not &quot;ten&quot;.'],
      ['opts=1&stdout=1&since=yesterday', '&quot;Since&quot; must be a time such as 2026-01-31T12:00:00Z, unix seconds, or an age such as 10m or 2h, not &quot;yesterday&quot;.'],
    ]) {
      const { status, body } = await page(id, query);
      expect(status).toBe(400);
      expect(body).toContain(message);
    }
  });

  test('since and until accept ages and RFC 3339', async () => {
    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect((await page(id, `opts=1&stdout=1&tail=all&since=${future}`)).body).not.toContain('class="log-line');
    expect((await page(id, 'opts=1&stdout=1&tail=all&since=1h')).body.match(/class="log-line/g)).toHaveLength(4);
    expect((await page(id, 'opts=1&stdout=1&tail=all&until=1d')).body).not.toContain('class="log-line');
  });
});

describe('download', () => {
  test('gives exactly the filtered lines as a .log attachment, and is audited with the options', async () => {
    const { id, name } = await container({ script: "printf 'keep 1\\ndrop\\nkeep 2\\r\\n' ; printf 'keep err\\n' >&2; printf 'keep last'" });
    const response = await berth.request(logsUrl(id, 'opts=1&stdout=1&stderr=1&tail=all&filter=keep', '/download'), { cookie: alice.cookie });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(response.headers.get('content-disposition')).toMatch(new RegExp(`^attachment; filename="${name}-\\d{4}-\\d\\d-\\d\\dT\\d\\d-\\d\\d-\\d\\dZ\\.log"$`));
    const text = await response.text();
    // Every line ends with "\n" (the last one too, as docker logs prints it); "\r" stays.
    expect(text.endsWith('\n')).toBe(true);
    expect(text.slice(0, -1).split('\n').sort()).toEqual(['keep 1', 'keep 2\r', 'keep err', 'keep last']);

    const [record] = (await auditFor('container.logs.download')).filter((event) => event.targetId === id);
    expect(record).toMatchObject({ outcome: 'success', actorName: 'alice', hostName: host.name, targetName: name });
    expect(record?.detail).toMatchObject({ stdout: true, stderr: true, tail: 'all', follow: false, filter: 'keep', regex: false });
  });

  test('an over-long line comes back whole, with its timestamp once', async () => {
    const length = LOG_MAX_LINE_CHARS + 1000;
    const { id } = await container({ script: `head -c ${length} /dev/zero | tr '\\0' z; echo` });
    const response = await berth.request(logsUrl(id, 'opts=1&stdout=1&timestamps=1&tail=all', '/download'), { cookie: alice.cookie });
    const text = await response.text();
    expect(text).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z z+\n$/);
    expect(text.length).toBe(31 + length + 1);
  });
});

describe('live follow over SSE', () => {
  test('appends lines as the container writes them, escaped, and ends with a notice when the container stops', async () => {
    const { id, handle } = await container({
      script: "echo '<b>first</b>'; while [ ! -f /tmp/stop ]; do sleep 0.05; done; echo second >&2",
      wait: 'running',
    });
    const viewer = await page(id, 'opts=1&stdout=1&stderr=1&follow=1&tail=all');
    expect(viewer.status).toBe(200);
    const streamUrl = /hx-sse:connect="([^"]+)"/.exec(viewer.body)?.[1]?.replace(/&amp;/g, '&');
    expect(streamUrl).toBe(logsUrl(id, 'opts=1&stdout=1&stderr=1&follow=1&tail=all', '/stream'));
    expect(viewer.body).toContain('hx-config="{&quot;sse&quot;:{&quot;reconnect&quot;:false,&quot;pauseOnBackground&quot;:false}}"');

    const response = await berth.request(streamUrl as string, { cookie: alice.cookie, htmx: true });
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    let text = await readSse(reader, (sofar) => sofar.includes('first'));
    expect(sseHtml(text)).toContain('<div class="log-line log-stdout"><span class="log-text">&lt;b&gt;first&lt;/b&gt;</span></div>');

    const run = await handle.exec({ Cmd: ['touch', '/tmp/stop'] });
    await run.start({ Detach: true });
    text = await readSse(reader, () => false, text);
    const html = sseHtml(text);
    expect(html).toContain('<div class="log-line log-stderr"><span class="log-text">second</span></div>');
    expect(html).toMatch(/<p class="notice notice-info log-end" role="status">The container stopped: the live log has ended\.<\/p>$/);
    const [record] = (await auditFor('container.logs.view')).filter((event) => event.targetId === id);
    expect(record?.detail).toMatchObject({ follow: true, tail: 2000 });
  });

  test('an agent killed during a follow ends the stream with a notice, and no server error', async () => {
    const agent = await startAgentProcess({ controlPlaneKey: keys.publicKey.encoded, keyFile: await kit.keyFile(), dockerSocket: '/var/run/docker.sock' });
    processes.push(agent);
    const doomed = await upsertHost(db.db, { name: `doomed-${kit.runId}`, agentUrl: agent.url, agentPublicKey: agent.publicKey, createdAt: new Date() });
    const { id } = await container({ script: 'echo alive; sleep 3600', wait: 'running' }, 'alice', doomed);

    const response = await berth.request(logsUrl(id, 'opts=1&stdout=1&follow=1', '/stream', doomed), { cookie: alice.cookie, htmx: true });
    expect(response.status).toBe(200);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    let text = await readSse(reader, (sofar) => sofar.includes('alive'));
    await killAgentProcess(agent);
    text = await readSse(reader, () => false, text);
    expect(sseHtml(text)).toMatch(/<p class="notice notice-error log-end" role="alert">The connection to the agent was lost: [^<]+<\/p>$/);
    expect(berth.logger.lines.filter((line) => line.level === 'error')).toEqual([]);
  });

  test('a follow that cannot start says why in the stream', async () => {
    const { id } = await container({ script: 'echo lost', logDriver: 'none' });
    const response = await berth.request(logsUrl(id, 'opts=1&stdout=1&follow=1', '/stream'), { cookie: alice.cookie, htmx: true });
    const html = sseHtml(await response.text());
    expect(html).toMatch(/log-end" role="alert">The logs of this container cannot be read: its logging driver is &quot;none&quot;/);
  });
});

describe('isolation and audit', () => {
  test('another user’s container is a 404 on every log endpoint, each attempt recorded as denied', async () => {
    const { id } = await container({ script: 'echo secret' }, 'bob');
    for (const suffix of ['', '/stream', '/download']) {
      const response = await berth.request(logsUrl(id, 'opts=1&stdout=1', suffix), { cookie: alice.cookie });
      expect(response.status).toBe(404);
      expect(await response.text()).not.toContain('secret');
    }
    const denied = (await auditFor('container.logs')).filter((event) => event.targetId === id);
    expect(denied.map((event) => [event.outcome, event.actorName])).toEqual([
      ['denied', 'alice'],
      ['denied', 'alice'],
      ['denied', 'alice'],
    ]);
    // Its owner reads it.
    expect((await page(id, '', bob.cookie)).body).toContain('secret');
  });

  test('viewing is audited with who, which container and which options', async () => {
    const { id, name } = await container({ script: 'echo audited' });
    await page(id, 'opts=1&stdout=1&timestamps=1&tail=50&filter=aud');
    const [record] = (await auditFor('container.logs.view')).filter((event) => event.targetId === id);
    expect(record).toMatchObject({ outcome: 'success', actorName: 'alice', hostName: host.name, targetKind: 'container', targetName: name });
    expect(record?.detail).toEqual({ stdout: true, stderr: false, timestamps: true, details: false, follow: false, tail: 50, filter: 'aud', regex: false });
  });

  test('a logging driver that cannot be read is a clear message on the page, recorded as a failure', async () => {
    const { id } = await container({ script: 'echo lost', logDriver: 'none' });
    const { status, body } = await page(id);
    expect(status).toBe(409);
    expect(body).toContain('its logging driver is &quot;none&quot; (Docker: configured logging driver does not support reading)');
    const [record] = (await auditFor('container.logs.view')).filter((event) => event.targetId === id);
    expect(record?.outcome).toBe('failure');
  });
});

describe('the picker', () => {
  test('lists the containers this user may see on every host, with name, id, state, image and host', async () => {
    const mine = await container({ script: 'echo mine' }, 'alice');
    const shared = await container({ script: 'echo shared' }, 'public');
    const theirs = await container({ script: 'echo theirs' }, 'bob');
    const outside = await container({ script: 'echo outside' }, 'external');
    const response = await berth.request('/logs', { cookie: alice.cookie });
    expect(response.status).toBe(200);
    const body = await response.text();
    for (const visible of [mine, shared]) {
      expect(body).toContain(`<a href="/logs/${host.name}/${visible.id}">${visible.name}</a>`);
      expect(body).toContain(`<code title="${visible.id}">${visible.id.slice(0, 12)}</code>`);
    }
    expect(body).toContain(`<td>exited</td>`);
    expect(body).toContain(`<small>${IMAGE}</small>`);
    expect(body).not.toContain(theirs.id);
    expect(body).not.toContain(outside.id);
  });

  test('a host that does not answer is a notice and the rest of the list stands; ?host= shows one host', async () => {
    const mine = await container({ script: 'echo mine' }, 'alice');
    const nobody = (await generateKeyPair()).publicKey.encoded;
    const gone = await upsertHost(db.db, { name: `gone-${kit.runId}`, agentUrl: 'http://127.0.0.1:9', agentPublicKey: nobody, createdAt: new Date() });
    const all = await textOf(await berth.request('/logs', { cookie: alice.cookie }));
    expect(all).toContain(`Host ${gone.name} is unreachable:`);
    expect(all).toContain(`<a href="/logs/${host.name}/${mine.id}">${mine.name}</a>`);

    const one = await textOf(await berth.request(`/logs?host=${host.name}`, { cookie: alice.cookie }));
    expect(one).not.toContain(gone.name + ' is unreachable');
    expect(one).toContain(`<option value="${host.name}" selected`);
    expect(one).toContain(mine.id);
  });
});

