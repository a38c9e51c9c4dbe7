import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import { createAgentClient } from '../../agent/client/agent-client.ts';
import { BERTH_HEADERS } from '../../agent/protocol/headers.ts';
import { exportPrivateKeyPem, generateKeyPair } from '../../agent/protocol/keys.ts';
import { createNdjsonParser, NDJSON_CONTENT_TYPE } from '../../agent/protocol/ndjson.ts';
import { AGENT_TEST_URL, appWithClient, fetchFrom } from './support.ts';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

async function listeningServer(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function clientTo(url: string, timeoutMs: number) {
  const [controlPlane, agent] = await Promise.all([generateKeyPair(), generateKeyPair()]);
  return createAgentClient({
    privateKey: controlPlane.privateKey,
    publicKey: controlPlane.publicKey.encoded,
    clock: Date.now,
    timeoutMs,
  }).forHost({ url, agentPublicKey: agent.publicKey.encoded }, 'alice');
}

describe('agent client results', () => {
  test('a refused request is "rejected" with the agent reason', async () => {
    const { clientFor, stranger } = await appWithClient();
    expect(await clientFor(stranger).listContainers()).toMatchObject({
      ok: false,
      kind: 'rejected',
      status: 401,
      code: 'unknown-key',
      message: expect.stringMatching(/^Unknown key/),
    });
  });

  test('a Docker that cannot be reached is an "error" (502) saying so', async () => {
    const { client } = await appWithClient();
    expect(await client.info()).toMatchObject({
      ok: false,
      kind: 'error',
      status: 502,
      code: 'docker-unreachable',
      message: expect.stringMatching(/^Docker is unreachable/),
    });
  });

  test('an unknown endpoint is "rejected" as not found', async () => {
    const { client } = await appWithClient();
    expect(await client.request('GET', '/v1/nothing-here')).toMatchObject({ ok: false, kind: 'rejected', status: 404, code: 'not-found' });
  });

  test('a body over the limit is refused before verification', async () => {
    const { client } = await appWithClient({ app: { maxBodyBytes: 100 } });
    expect(await client.request('POST', '/v1/containers', { padding: 'x'.repeat(200) })).toMatchObject({
      ok: false,
      kind: 'rejected',
      status: 413,
      code: 'payload-too-large',
    });
  });

  test('a tampered response body makes the outcome "unverified", never success', async () => {
    const { app, client } = await appWithClient({
      wrapFetch: (inner) => async (input, init) => {
        const response = await inner(input, init);
        const body = (await response.text()).replace('"running"', '"exited"');
        return new Response(body, response);
      },
    });
    app.get('/v1/test/state', (c) => c.json({ state: 'running' }));
    expect(await client.request('GET', '/v1/test/state')).toMatchObject({ ok: false, kind: 'unverified', status: 200 });
  });

  test('a response without a signature is "unverified"', async () => {
    const { client } = await appWithClient({
      wrapFetch: (inner) => async (input, init) => {
        const response = await inner(input, init);
        const stripped = new Response(response.body, response);
        stripped.headers.delete(BERTH_HEADERS.responseSignature);
        return stripped;
      },
    });
    expect(await client.info()).toMatchObject({ ok: false, kind: 'unverified', message: expect.stringMatching(/no signature/) });
  });

  test('an old genuine response replayed for a new request is "unverified"', async () => {
    let recorded: Response | undefined;
    const { app, client } = await appWithClient({
      wrapFetch: (inner) => async (input, init) => {
        if (recorded) return recorded.clone();
        recorded = await inner(input, init);
        return recorded.clone();
      },
    });
    app.get('/v1/test/state', (c) => c.json({ state: 'running' }));
    expect(await client.request('GET', '/v1/test/state')).toEqual({ ok: true, data: { state: 'running' } });
    expect(await client.request('GET', '/v1/test/state')).toMatchObject({ ok: false, kind: 'unverified' });
  });

  test('an agent nobody listens for is "unreachable"', async () => {
    const url = await listeningServer(() => {});
    await new Promise((resolve) => servers.pop()?.close(resolve));
    expect(await (await clientTo(url, 2_000)).info()).toMatchObject({ ok: false, kind: 'unreachable' });
  });

  test('an agent that never answers is a "timeout"', async () => {
    const url = await listeningServer(() => {});
    const started = Date.now();
    expect(await (await clientTo(url, 200)).info()).toMatchObject({ ok: false, kind: 'timeout' });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  test('the private key may be given as PEM', async () => {
    const { app, controlPlane, agentKeys } = await appWithClient();
    app.get('/v1/test/ping', (c) => c.json('pong'));
    const client = createAgentClient({
      privateKey: await exportPrivateKeyPem(controlPlane.privateKey),
      publicKey: controlPlane.publicKey.encoded,
      clock: Date.now,
      fetch: fetchFrom(app),
    }).forHost({ url: AGENT_TEST_URL, agentPublicKey: agentKeys.publicKey.encoded }, 'alice');
    expect(await client.request('GET', '/v1/test/ping')).toEqual({ ok: true, data: 'pong' });
  });

  test('a PEM private key that does not belong to the given public key is an "error", and nothing is sent', async () => {
    const [controlPlane, other] = await Promise.all([generateKeyPair(), generateKeyPair()]);
    let sent = 0;
    const client = createAgentClient({
      privateKey: await exportPrivateKeyPem(controlPlane.privateKey),
      publicKey: other.publicKey.encoded,
      clock: Date.now,
      fetch: (async () => {
        sent += 1;
        return new Response();
      }) as unknown as typeof fetch,
    }).forHost({ url: AGENT_TEST_URL, agentPublicKey: other.publicKey.encoded }, 'alice');
    expect(await client.info()).toMatchObject({
      ok: false,
      kind: 'error',
      message: expect.stringMatching(/does not belong to the configured public key/),
    });
    expect(sent).toBe(0);
  });

  test('a corrupt stored agent key is an "error" for that host only', async () => {
    const { controlPlane } = await appWithClient();
    const client = createAgentClient({ privateKey: controlPlane.privateKey, publicKey: controlPlane.publicKey.encoded, clock: Date.now });
    expect(await client.forHost({ url: AGENT_TEST_URL, agentPublicKey: 'garbage' }, 'alice').info()).toMatchObject({
      ok: false,
      kind: 'error',
      message: expect.stringMatching(/public key/),
    });
  });

  test('an actor that cannot be carried in a header is an "error", and nothing is sent', async () => {
    const { controlPlane, agentKeys } = await appWithClient();
    const client = createAgentClient({ privateKey: controlPlane.privateKey, publicKey: controlPlane.publicKey.encoded, clock: Date.now });
    expect(await client.forHost({ url: AGENT_TEST_URL, agentPublicKey: agentKeys.publicKey.encoded }, 'two words').info()).toMatchObject({
      ok: false,
      kind: 'error',
      message: expect.stringMatching(/Actor/),
    });
  });
});

describe('agent client streams', () => {
  function ndjsonRoute(app: Awaited<ReturnType<typeof appWithClient>>['app']) {
    app.get('/v1/test/frames', () => {
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          const encoder = new TextEncoder();
          controller.enqueue(encoder.encode('{"line":"one"}\n{"li'));
          controller.enqueue(encoder.encode('ne":"two"}\n'));
          controller.close();
        },
      });
      return new Response(body, { headers: { 'content-type': NDJSON_CONTENT_TYPE } });
    });
  }

  test('a signed NDJSON stream is handed over and parses into frames', async () => {
    const { app, client } = await appWithClient();
    ndjsonRoute(app);
    const result = await client.stream('GET', '/v1/test/frames');
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const frames: unknown[] = [];
    for await (const frame of result.data.pipeThrough(createNdjsonParser())) frames.push(frame);
    expect(frames).toEqual([{ line: 'one' }, { line: 'two' }]);
  });

  test('a stream whose header signature is wrong is "unverified"', async () => {
    const { app, client } = await appWithClient({
      wrapFetch: (inner) => async (input, init) => {
        const response = await inner(input, init);
        const forged = new Response(response.body, response);
        forged.headers.set(BERTH_HEADERS.responseSignature, 'A'.repeat(86));
        return forged;
      },
    });
    ndjsonRoute(app);
    expect(await client.stream('GET', '/v1/test/frames')).toMatchObject({ ok: false, kind: 'unverified' });
  });

  test('a refused stream request is "rejected" with the reason', async () => {
    const { app, clientFor, stranger } = await appWithClient();
    ndjsonRoute(app);
    expect(await clientFor(stranger).stream('GET', '/v1/test/frames')).toMatchObject({
      ok: false,
      kind: 'rejected',
      code: 'unknown-key',
    });
  });

  test('a JSON answer where a stream was expected is an "error"', async () => {
    const { app, client } = await appWithClient();
    app.get('/v1/test/json', (c) => c.json({}));
    expect(await client.stream('GET', '/v1/test/json')).toMatchObject({ ok: false, kind: 'error', status: 200 });
  });
});
