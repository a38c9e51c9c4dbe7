// Demuxing and line splitting as pure logic: crafted Docker byte streams cut
// at every possible place must give the same lines.
import { describe, expect, test } from 'vitest';
import { createLogDemuxer, rawLogPieces, type LogPiece } from '../../agent/docker/log-demux.ts';
import { createLogLineSplitter, type LogLineOptions } from '../../agent/docker/log-lines.ts';
import { concatBytes } from '../../agent/protocol/encoding.ts';
import type { LogFrame } from '../../agent/protocol/messages.ts';

const encoder = new TextEncoder();

/** One Docker frame: 8-byte header and payload. */
function frame(type: number, payload: Uint8Array | string): Uint8Array {
  const bytes = typeof payload === 'string' ? encoder.encode(payload) : payload;
  const out = new Uint8Array(8 + bytes.length);
  out[0] = type;
  new DataView(out.buffer).setUint32(4, bytes.length);
  out.set(bytes, 8);
  return out;
}

async function run(chunks: Uint8Array[], transform: TransformStream<Uint8Array, LogPiece[]>, options: LogLineOptions): Promise<LogFrame[]> {
  const source = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
  const out: LogFrame[] = [];
  for await (const batch of source.pipeThrough(transform).pipeThrough(createLogLineSplitter(options))) out.push(...batch);
  return out;
}

const plain: LogLineOptions = { timestamps: false, details: false, prefixAt: 'message' };
const é = encoder.encode('é'); // 0xc3 0xa9

describe('demuxing multiplexed frames', () => {
  const stream = concatBytes([
    frame(1, 'out one\n'),
    frame(2, concatBytes([encoder.encode('err '), é.subarray(0, 1)])),
    frame(1, concatBytes([encoder.encode('out '), é.subarray(0, 1)])),
    frame(2, concatBytes([é.subarray(1), encoder.encode('\n')])),
    frame(1, concatBytes([é.subarray(1), encoder.encode(' two\r\n')])),
    frame(1, 'tail without newline'),
  ]);
  const expected = [
    { stream: 'stdout', line: 'out one' },
    { stream: 'stderr', line: 'err é' },
    { stream: 'stdout', line: 'out é two\r' },
    { stream: 'stdout', line: 'tail without newline' },
  ];

  test('a stream cut before every byte gives the same lines: headers and characters split anywhere', async () => {
    const bytewise = Array.from(stream, (byte) => Uint8Array.of(byte));
    expect(await run(bytewise, createLogDemuxer(), plain)).toEqual(expected);
    expect(await run([stream], createLogDemuxer(), plain)).toEqual(expected);
  });

  test('every two-way cut gives the same lines', async () => {
    for (let cut = 1; cut < stream.length; cut += 1) {
      expect(await run([stream.slice(0, cut), stream.slice(cut)], createLogDemuxer(), plain)).toEqual(expected);
    }
  });

  test('Docker’s own error stream (type 3) becomes a warning frame', async () => {
    expect(await run([frame(3, 'Error grabbing logs: boom\n')], createLogDemuxer(), plain)).toEqual([
      { type: 'warning', message: 'Error grabbing logs: boom' },
    ]);
  });

  test('a header that is not Docker’s, or a stream cut inside a frame, is an error', async () => {
    await expect(run([Uint8Array.of(9, 0, 0, 0, 0, 0, 0, 1, 65)], createLogDemuxer(), plain)).rejects.toThrow(/not valid/);
    await expect(run([frame(1, 'whole').subarray(0, 10)], createLogDemuxer(), plain)).rejects.toThrow(/middle of a Docker frame/);
  });
});

describe('timestamps and details', () => {
  const ts1 = '2026-01-02T03:04:05.123456789Z';
  const ts2 = '2026-01-02T03:04:06.000000001Z';

  test('the prefix of each message goes into ts and details; a partial message keeps its line’s first prefix', async () => {
    const options: LogLineOptions = { timestamps: true, details: true, prefixAt: 'message' };
    const stream = concatBytes([
      frame(1, `${ts1} team=blue first half `),
      frame(2, `${ts2}  err line\n`),
      frame(1, `${ts1} team=blue second half\n`),
    ]);
    const bytewise = Array.from(stream, (byte) => Uint8Array.of(byte));
    expect(await run(bytewise, createLogDemuxer(), options)).toEqual([
      { stream: 'stderr', ts: ts2, line: 'err line' },
      { stream: 'stdout', ts: ts1, details: 'team=blue', line: 'first half second half' },
    ]);
  });

  test('a TTY stream has a prefix at every line start', async () => {
    const options: LogLineOptions = { timestamps: true, details: false, prefixAt: 'line' };
    const stream = encoder.encode(`${ts1} Hello\r\n${ts2} world`);
    const bytewise = Array.from(stream, (byte) => Uint8Array.of(byte));
    expect(await run(bytewise, rawLogPieces(), options)).toEqual([
      { stream: 'stdout', ts: ts1, line: 'Hello\r' },
      { stream: 'stdout', ts: ts2, line: 'world' },
    ]);
  });
});

describe('line length limit', () => {
  test('a line longer than the limit is sent in continued pieces, never cutting a surrogate pair', async () => {
    const options: LogLineOptions = { ...plain, maxLineChars: 5 };
    const frames = await run([frame(1, 'abcd🚢efghijkl\n')], createLogDemuxer(), options);
    expect(frames).toEqual([
      { stream: 'stdout', line: 'abcd', continued: true },
      { stream: 'stdout', line: '🚢efg', continued: true },
      { stream: 'stdout', line: 'hijkl' },
    ]);
    expect(frames.map((f) => ('line' in f ? f.line : '')).join('')).toBe('abcd🚢efghijkl');
  });
});
