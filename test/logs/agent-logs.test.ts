// The agent's logs endpoint against real containers: each edge case of the
// issue is a container printing crafted bytes, read back through a real agent
// over HTTP with the signed client.
import type { IncomingMessage } from 'node:http';
import Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import type { HostClient } from '../../agent/client/agent-client.ts';
import { generateKeyPair, type KeyPair } from '../../agent/protocol/keys.ts';
import { LOG_MAX_LINE_CHARS } from '../../agent/protocol/log-options.ts';
import type { LogFrame, LogLineFrame } from '../../agent/protocol/messages.ts';
import { clientFor, docker, IMAGE, linesOf, logTestKit, openFrames, readAllFrames } from './support.ts';

const kit = logTestKit('agent-logs');
let controlPlane: KeyPair;
let client: HostClient;

const RFC3339_NANO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/;
const end = { type: 'end', reason: 'complete' };

/** The raw multiplexed frames Docker itself sends for a container (to prove what a test exercises). */
async function dockerFrames(container: Dockerode.Container): Promise<{ type: number; payload: Buffer }[]> {
  const raw = (await container.logs({ stdout: true, stderr: true, follow: false })) as unknown as Buffer;
  const frames: { type: number; payload: Buffer }[] = [];
  for (let offset = 0; offset < raw.length; ) {
    const length = raw.readUInt32BE(offset + 4);
    frames.push({ type: raw[offset] ?? -1, payload: raw.subarray(offset + 8, offset + 8 + length) });
    offset += 8 + length;
  }
  return frames;
}

beforeAll(async () => {
  await vi.waitFor(() => docker.getImage(IMAGE).inspect(), { timeout: 170_000, interval: 1_000 });
  controlPlane = await generateKeyPair();
  client = clientFor(await kit.startLogAgent(controlPlane), controlPlane);
});
afterAll(() => kit.cleanup());

describe('exact output', () => {
  test('stdout and stderr lines come out exact and in order, with no stream header bytes', async () => {
    const container = await kit.runContainer({ script: "printf 'first\\n'; sleep 0.1; printf 'second\\n' >&2; sleep 0.1; printf 'third\\n'" });
    const frames = await readAllFrames(client, container.id);
    expect(frames).toEqual([
      { stream: 'stdout', line: 'first' },
      { stream: 'stderr', line: 'second' },
      { stream: 'stdout', line: 'third' },
      end,
    ]);
  });

  test('bytes that look like a stream header inside a line are the line’s content', async () => {
    const container = await kit.runContainer({ script: "printf 'a\\001\\000\\000\\000\\000\\000\\000\\005hello\\n'" });
    expect(linesOf(await readAllFrames(client, container.id))).toEqual([{ stream: 'stdout', line: 'a\u0001\0\0\0\0\0\0\u0005hello' }]);
  });

  test('a TTY container’s first characters are not eaten (its raw stream has no headers)', async () => {
    const container = await kit.runContainer({ script: "printf 'ABCDEFGHIJ\\nsecond'", tty: true });
    // The terminal turns "\n" into "\r\n"; the "\r" stays in the line.
    expect(linesOf(await readAllFrames(client, container.id))).toEqual([
      { stream: 'stdout', line: 'ABCDEFGHIJ\r' },
      { stream: 'stdout', line: 'second' },
    ]);
  });

  test('a multi-byte character split across two frames, with a stderr frame between them, comes out whole', async () => {
    // Docker cuts a line into 16 KiB messages: byte 16 384 is the first byte of "é" (\303\251).
    // The `local` driver keeps the bytes; json-file would store the cut halves as U+FFFD itself.
    const container = await kit.runContainer({
      script: "head -c 16383 /dev/zero | tr '\\0' a; printf '\\303'; sleep 0.3; echo err >&2; sleep 0.3; printf '\\251 end\\n'",
      logDriver: 'local',
    });
    const raw = await dockerFrames(container);
    expect(raw.map((frame) => frame.type)).toEqual([1, 2, 1]);
    expect(raw[0]?.payload.at(-1)).toBe(0xc3);
    expect(raw[2]?.payload[0]).toBe(0xa9);

    for (const timestamps of [false, true]) {
      const frames = await readAllFrames(client, container.id, { timestamps });
      expect(linesOf(frames)).toEqual([
        { stream: 'stderr', line: 'err' },
        { stream: 'stdout', line: `${'a'.repeat(16383)}é end` },
      ]);
      if (timestamps) expect((frames[1] as LogLineFrame).ts).toMatch(RFC3339_NANO);
    }
  });

  test('CR and ANSI escape codes are kept inside the line, exactly', async () => {
    const container = await kit.runContainer({ script: "printf 'progress 10%%\\rprogress 99%%\\r\\n\\033[31mred\\033[0m \\033[2Kcleared\\n'" });
    expect(linesOf(await readAllFrames(client, container.id))).toEqual([
      { stream: 'stdout', line: 'progress 10%\rprogress 99%\r' },
      { stream: 'stdout', line: '\u001b[31mred\u001b[0m \u001b[2Kcleared' },
    ]);
  });

  test('a last line without a newline still arrives', async () => {
    const container = await kit.runContainer({ script: "printf 'one\\nno newline'" });
    expect(linesOf(await readAllFrames(client, container.id))).toEqual([
      { stream: 'stdout', line: 'one' },
      { stream: 'stdout', line: 'no newline' },
    ]);
  });

  test('an empty log returns just the end, at once: no error, no hang', async () => {
    const container = await kit.runContainer({ script: 'true' });
    const started = Date.now();
    expect(await readAllFrames(client, container.id, { follow: false })).toEqual([end]);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  test('a line of 1 MB arrives whole, in one frame, with or without timestamps', async () => {
    const container = await kit.runContainer({ script: "head -c 1000000 /dev/zero | tr '\\0' x; echo; echo after" });
    for (const timestamps of [false, true]) {
      const frames = await readAllFrames(client, container.id, { timestamps });
      expect(frames).toHaveLength(3);
      const [big, after] = frames as [LogLineFrame, LogLineFrame];
      expect(big.line.length).toBe(1_000_000);
      expect(big.line).toBe('x'.repeat(1_000_000));
      expect(big.continued).toBeUndefined();
      expect(after.line).toBe('after');
      if (timestamps) expect(big.ts).toMatch(RFC3339_NANO);
    }
  });

  test('a line longer than the frame limit comes as continued pieces that join up exactly', async () => {
    const length = LOG_MAX_LINE_CHARS + 500_000;
    const container = await kit.runContainer({ script: `head -c ${length} /dev/zero | tr '\\0' y; echo` });
    const frames = await readAllFrames(client, container.id);
    const pieces = frames.filter((frame): frame is LogLineFrame => 'stream' in frame);
    expect(pieces.map((piece) => [piece.line.length, piece.continued ?? false])).toEqual([
      [LOG_MAX_LINE_CHARS, true],
      [500_000, false],
    ]);
    expect(pieces.map((piece) => piece.line).join('')).toBe('y'.repeat(length));
  });
});

describe('options', () => {
  let counted: Dockerode.Container;
  beforeAll(async () => {
    counted = await kit.runContainer({ script: 'seq 1 5; sleep 0.1; echo oops >&2' });
  });

  test('tail=0 returns no lines', async () => {
    expect(await readAllFrames(client, counted.id, { tail: 0 })).toEqual([end]);
  });

  test('tail=all returns every line, and tail=N the last N', async () => {
    const all = linesOf(await readAllFrames(client, counted.id, { tail: 'all' }));
    expect(all.map((line) => line.line)).toEqual(['1', '2', '3', '4', '5', 'oops']);
    const last = linesOf(await readAllFrames(client, counted.id, { tail: 2 }));
    expect(last.map((line) => line.line)).toEqual(['5', 'oops']);
  });

  test('stdout or stderr alone', async () => {
    expect(linesOf(await readAllFrames(client, counted.id, { stdout: false })).map((l) => l.line)).toEqual(['oops']);
    expect(linesOf(await readAllFrames(client, counted.id, { stderr: false })).map((l) => l.line)).toEqual(['1', '2', '3', '4', '5']);
  });

  test('timestamps become a ts field and details the attributes Docker adds', async () => {
    const container = await kit.runContainer({ script: "echo 'with details'", labels: { team: 'blue' }, logOptions: { labels: 'team' } });
    const [frame] = (await readAllFrames(client, container.id, { timestamps: true, details: true })) as [LogLineFrame];
    expect(frame).toEqual({ stream: 'stdout', ts: expect.stringMatching(RFC3339_NANO), details: 'team=blue', line: 'with details' });
  });

  test('since and until take unix seconds or RFC 3339', async () => {
    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect(await readAllFrames(client, counted.id, { since: future })).toEqual([end]);
    expect(await readAllFrames(client, counted.id, { until: '1' })).toEqual([end]);
    expect(linesOf(await readAllFrames(client, counted.id, { since: '0', until: future }))).toHaveLength(6);
  });

  test('bad options are refused 400 with a sentence saying what is wrong', async () => {
    for (const [query, message] of [
      ['tail=-1', /tail must be a whole number or "all"/],
      ['since=yesterday', /since must be unix seconds or an RFC 3339 time/],
      ['stdout=0&stderr=0', /Choose stdout, stderr or both/],
      ['follow=maybe', /follow must be 1 or 0/],
    ] as const) {
      const result = await client.stream('GET', `/v1/containers/${counted.id}/logs?${query}`);
      expect(result).toMatchObject({ ok: false, kind: 'rejected', status: 400, code: 'bad-request', message: expect.stringMatching(message) });
    }
  });

  test('an unknown container is 404 not-found', async () => {
    const result = await client.stream('GET', `/v1/containers/${'0'.repeat(64)}/logs`);
    expect(result).toMatchObject({ ok: false, status: 404, code: 'not-found', message: expect.stringMatching(/No such container/i) });
  });

  test('a logging driver that cannot be read gives Docker’s message and the driver name', async () => {
    const container = await kit.runContainer({ script: 'echo lost', logDriver: 'none' });
    const result = await openFrames(client, container.id);
    expect(result).toMatchObject({
      ok: false,
      kind: 'rejected',
      status: 409,
      code: 'logs-unreadable',
      message: expect.stringMatching(/logging driver is "none".*does not support reading/),
    });
  });
});

describe('follow', () => {
  /** A container that prints `ready`, then waits until the test creates /tmp/stop; its log followed past `ready`. */
  async function followWaitingContainer() {
    const container = await kit.runContainer({ script: 'echo ready; while [ ! -f /tmp/stop ]; do sleep 0.05; done; echo bye', wait: 'running' });
    const opened = await openFrames(client, container.id, { follow: true });
    if (!opened.ok) throw new Error(opened.message);
    const reader = opened.data.getReader();
    expect((await reader.read()).value).toEqual({ stream: 'stdout', line: 'ready' });
    return { container, reader };
  }

  async function exec(container: Dockerode.Container, cmd: string[]) {
    const run = await container.exec({ Cmd: cmd });
    await run.start({ Detach: true });
  }

  test('a container that exits while followed ends the stream with reason container-exited', async () => {
    const { container, reader } = await followWaitingContainer();
    await exec(container, ['touch', '/tmp/stop']);
    const rest: LogFrame[] = [];
    for (let next = await reader.read(); !next.done; next = await reader.read()) rest.push(next.value);
    expect(rest).toEqual([{ stream: 'stdout', line: 'bye' }, { type: 'end', reason: 'container-exited' }]);
  });

  test('a container removed while followed ends the stream with reason container-removed', async () => {
    const { container, reader } = await followWaitingContainer();
    await container.remove({ force: true });
    const next = await reader.read();
    expect(next.value).toEqual({ type: 'end', reason: 'container-removed' });
  });

  test('a slow reader holds Docker back (back-pressure), and cancelling closes the Docker request', async () => {
    // The agent's own Docker client, watched: its log responses are kept to look at their sockets.
    const watched = new Dockerode();
    const responses: IncomingMessage[] = [];
    const dial = watched.modem.dial.bind(watched.modem);
    watched.modem.dial = ((options: Parameters<typeof dial>[0], callback: Parameters<typeof dial>[1]) =>
      dial(options, (error, response) => {
        if (String(options.path).includes('/logs')) responses.push(response as IncomingMessage);
        callback?.(error, response);
      })) as typeof dial;
    const agent = await kit.startLogAgent(controlPlane, watched);
    const watchedClient = clientFor(agent, controlPlane);

    // 60 MB of log, then the container idles (so the follow stays open).
    const container = await kit.runContainer({
      script: "yes 'a line of log text that is sixty-four characters long, more or less' | head -c 60000000; echo; echo written; sleep 3600",
      wait: 'running',
    });
    await vi.waitFor(async () => expect(linesOf(await readAllFrames(client, container.id, { tail: 1 }))).toEqual([{ stream: 'stdout', line: 'written' }]), {
      timeout: 60_000,
      interval: 250,
    });
    const opened = await openFrames(watchedClient, container.id, { follow: true });
    if (!opened.ok) throw new Error(opened.message);
    const reader = opened.data.getReader();
    for (let i = 0; i < 100; i += 1) expect((await reader.read()).value).toMatchObject({ stream: 'stdout' });

    const response = responses.at(-1);
    if (!response) throw new Error('The agent made no log request to Docker.');
    // The reader stopped: the bytes read from Docker stop growing, far below the log's size.
    let previous = -1;
    await vi.waitFor(
      () => {
        const read = response.socket?.bytesRead ?? 0;
        const settled = read === previous;
        previous = read;
        expect(settled).toBe(true);
      },
      { timeout: 20_000, interval: 500 },
    );
    expect(previous).toBeLessThan(16 * 1024 * 1024);

    await reader.cancel();
    await vi.waitFor(() => expect(response.destroyed).toBe(true), { timeout: 10_000 });
  });
});
