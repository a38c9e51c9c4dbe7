import { describe, expect, test, vi } from 'vitest';
import { NDJSON_CONTENT_TYPE } from '../../agent/protocol/ndjson.ts';
import { appWithClient } from './support.ts';

const COMMAND_ID = '7d7f6a3e-5f0b-4c1e-9a77-3f1c2b4d5e6f';

/** An agent app with a counting POST route standing in for a real command (e.g. create). */
async function countingAgent(options: Parameters<typeof appWithClient>[0] = {}) {
  const setup = await appWithClient(options);
  const runs = { count: 0 };
  setup.app.post('/v1/test/commands', async (c) => {
    runs.count += 1;
    return c.json({ run: runs.count, echo: await c.req.json() }, 201);
  });
  return { ...setup, runs };
}

describe('idempotent command ids', () => {
  test('a repeated command id returns the first result without acting again', async () => {
    const { client, runs } = await countingAgent();
    const first = await client.request('POST', '/v1/test/commands', { name: 'web' }, { commandId: COMMAND_ID });
    const repeat = await client.request('POST', '/v1/test/commands', { name: 'web' }, { commandId: COMMAND_ID });
    expect(first).toEqual({ ok: true, data: { run: 1, echo: { name: 'web' } } });
    expect(repeat).toEqual(first);
    expect(runs.count).toBe(1);
  });

  test('a repeat that arrives while the first is running waits for it and gets its result', async () => {
    const { app, client } = await appWithClient();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let runs = 0;
    app.post('/v1/test/slow', async (c) => {
      runs += 1;
      await gate;
      return c.json({ run: runs });
    });
    const first = client.request('POST', '/v1/test/slow', {}, { commandId: COMMAND_ID });
    await vi.waitFor(() => expect(runs).toBe(1));
    const repeat = client.request('POST', '/v1/test/slow', {}, { commandId: COMMAND_ID });
    release();
    expect(await first).toEqual({ ok: true, data: { run: 1 } });
    expect(await repeat).toEqual({ ok: true, data: { run: 1 } });
    expect(runs).toBe(1);
  });

  test('different command ids act separately', async () => {
    const { client, runs } = await countingAgent();
    await client.request('POST', '/v1/test/commands', {});
    await client.request('POST', '/v1/test/commands', {});
    expect(runs.count).toBe(2);
  });

  test('a command id reused for a different request is refused', async () => {
    const { client, runs } = await countingAgent();
    await client.request('POST', '/v1/test/commands', { name: 'web' }, { commandId: COMMAND_ID });
    const reuse = await client.request('POST', '/v1/test/commands', { name: 'db' }, { commandId: COMMAND_ID });
    expect(reuse).toMatchObject({ ok: false, kind: 'rejected', status: 409, code: 'command-id-conflict' });
    expect(runs.count).toBe(1);
  });

  test('a failed first attempt is the result too: the repeat does not act again', async () => {
    const { app, client } = await appWithClient();
    let runs = 0;
    app.post('/v1/test/failing', () => {
      runs += 1;
      throw new Error('boom');
    });
    const first = await client.request('POST', '/v1/test/failing', {}, { commandId: COMMAND_ID });
    const repeat = await client.request('POST', '/v1/test/failing', {}, { commandId: COMMAND_ID });
    expect(first).toMatchObject({ ok: false, kind: 'error', status: 500, code: 'internal' });
    expect(repeat).toEqual(first);
    expect(runs).toBe(1);
  });

  test('GET requests are not deduplicated', async () => {
    const { app, client } = await appWithClient();
    let runs = 0;
    app.get('/v1/test/reads', (c) => c.json({ run: ++runs }));
    await client.request('GET', '/v1/test/reads', undefined, { commandId: COMMAND_ID });
    await client.request('GET', '/v1/test/reads', undefined, { commandId: COMMAND_ID });
    expect(runs).toBe(2);
  });

  test('after the TTL a command id acts again', async () => {
    const { client, clock, runs } = await countingAgent({ app: { commandTtlMs: 60_000 } });
    await client.request('POST', '/v1/test/commands', {}, { commandId: COMMAND_ID });
    clock.now += 59_000;
    await client.request('POST', '/v1/test/commands', {}, { commandId: COMMAND_ID });
    expect(runs.count).toBe(1);
    clock.now += 2_000;
    await client.request('POST', '/v1/test/commands', {}, { commandId: COMMAND_ID });
    expect(runs.count).toBe(2);
  });

  test('when the command cache is full of live entries, a new command is refused with 503, not forgotten', async () => {
    const { client, runs } = await countingAgent({ app: { commandCacheSize: 1 } });
    await client.request('POST', '/v1/test/commands', {}, { commandId: COMMAND_ID });
    const refused = await client.request('POST', '/v1/test/commands', {});
    expect(refused).toMatchObject({ ok: false, kind: 'error', status: 503, code: 'command-cache-full' });
    expect(runs.count).toBe(1);
    expect(await client.request('POST', '/v1/test/commands', {}, { commandId: COMMAND_ID })).toMatchObject({ ok: true });
  });

  test('a command that answered with a stream is not run again, and says why', async () => {
    const { app, client } = await appWithClient();
    let runs = 0;
    app.post('/v1/test/stream', () => {
      runs += 1;
      return new Response('{"step":1}\n', { headers: { 'content-type': NDJSON_CONTENT_TYPE } });
    });
    const first = await client.stream('POST', '/v1/test/stream', {}, { commandId: COMMAND_ID });
    expect(first.ok).toBe(true);
    if (first.ok) await first.data.cancel();
    const repeat = await client.stream('POST', '/v1/test/stream', {}, { commandId: COMMAND_ID });
    expect(repeat).toMatchObject({ ok: false, kind: 'rejected', status: 409, code: 'command-already-streamed' });
    expect(runs).toBe(1);
  });

  test('an unsigned request never reaches the command, and cannot claim its id', async () => {
    const { clientFor, stranger, client, runs } = await countingAgent();
    const refused = await clientFor(stranger).request('POST', '/v1/test/commands', {}, { commandId: COMMAND_ID });
    expect(refused).toMatchObject({ ok: false, kind: 'rejected', status: 401, code: 'unknown-key' });
    expect(runs.count).toBe(0);
    expect(await client.request('POST', '/v1/test/commands', {}, { commandId: COMMAND_ID })).toMatchObject({ ok: true });
    expect(runs.count).toBe(1);
  });
});
