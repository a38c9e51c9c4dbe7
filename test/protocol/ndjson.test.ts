import { describe, expect, test } from 'vitest';
import {
  createNdjsonBatchParser,
  createNdjsonBatchSerializer,
  createNdjsonParser,
  createNdjsonSerializer,
  NdjsonError,
} from '../../agent/protocol/ndjson.ts';

function streamOf(chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
}

async function collect<T>(stream: ReadableStream<T>): Promise<T[]> {
  const values: T[] = [];
  for await (const value of stream) values.push(value);
  return values;
}

/** Cuts `bytes` at the given offsets. */
function cut(bytes: Uint8Array, offsets: number[]): Uint8Array[] {
  const edges = [0, ...offsets.filter((offset) => offset > 0 && offset < bytes.length).sort((a, b) => a - b), bytes.length];
  return edges.slice(1).map((end, index) => bytes.slice(edges[index], end));
}

const frames = [{ line: 'héllo wörld ✓ 🚢' }, { n: 1, nested: { list: [1, 2, 3] } }, 'plain string', 42, null];
const encoded = new TextEncoder().encode(frames.map((frame) => JSON.stringify(frame)).join('\n') + '\n');

describe('NDJSON parser', () => {
  test('frames come out whole when every byte arrives alone (lines and UTF-8 characters split)', async () => {
    const chunks = Array.from(encoded, (byte) => Uint8Array.of(byte));
    expect(await collect(streamOf(chunks).pipeThrough(createNdjsonParser()))).toEqual(frames);
  });

  test('frames come out whole under many random chunkings', async () => {
    for (let round = 0; round < 200; round += 1) {
      const offsets = Array.from({ length: Math.floor(Math.random() * 8) }, () => Math.floor(Math.random() * encoded.length));
      const parsed = await collect(streamOf(cut(encoded, offsets)).pipeThrough(createNdjsonParser()));
      expect(parsed, `cut at ${offsets.join(',')}`).toEqual(frames);
    }
  });

  test('blank lines and CRLF are tolerated, and a last line without newline counts', async () => {
    const text = '{"a":1}\r\n\n{"b":2}';
    const parsed = await collect(streamOf([new TextEncoder().encode(text)]).pipeThrough(createNdjsonParser()));
    expect(parsed).toEqual([{ a: 1 }, { b: 2 }]);
  });

  test('a line longer than the bound errors the stream with a clear message, even split over chunks', async () => {
    const long = new TextEncoder().encode(`{"a":"${'x'.repeat(100)}"}\n`);
    const parser = createNdjsonParser({ maxLineBytes: 64 });
    const result = collect(streamOf(cut(long, [10, 20, 30, 40, 50, 60, 70])).pipeThrough(parser));
    await expect(result).rejects.toThrow(NdjsonError);
    await expect(result).rejects.toThrow(/NDJSON line 1 is longer than 64 bytes/);
  });

  test('a line at exactly the bound is fine', async () => {
    const line = `"${'x'.repeat(62)}"`;
    const parsed = await collect(streamOf([new TextEncoder().encode(`${line}\n`)]).pipeThrough(createNdjsonParser({ maxLineBytes: 64 })));
    expect(parsed).toEqual(['x'.repeat(62)]);
  });

  test('invalid JSON names the line', async () => {
    const result = collect(streamOf([new TextEncoder().encode('{"a":1}\n{oops}\n')]).pipeThrough(createNdjsonParser()));
    await expect(result).rejects.toThrow(/NDJSON line 2 is not valid JSON/);
  });
});

describe('NDJSON serializer', () => {
  test('round-trips through the parser, one line per value', async () => {
    const values = new ReadableStream<unknown>({
      start(controller) {
        for (const frame of frames) controller.enqueue(frame);
        controller.close();
      },
    });
    const serialized = await collect(values.pipeThrough(createNdjsonSerializer()));
    const text = new TextDecoder().decode(new Uint8Array(serialized.flatMap((chunk) => [...chunk])));
    expect(text.split('\n')).toHaveLength(frames.length + 1);
    expect(await collect(streamOf(serialized).pipeThrough(createNdjsonParser()))).toEqual(frames);
  });
});

describe('NDJSON in batches', () => {
  test('a batch serializes to one chunk of lines, and parses back as one batch per chunk', async () => {
    const batches = new ReadableStream<unknown[]>({
      start(controller) {
        controller.enqueue(frames.slice(0, 2));
        controller.enqueue([]);
        controller.enqueue(frames.slice(2));
        controller.close();
      },
    });
    const chunks = await collect(batches.pipeThrough(createNdjsonBatchSerializer()));
    expect(chunks).toHaveLength(2);
    expect(await collect(streamOf(chunks).pipeThrough(createNdjsonBatchParser()))).toEqual([frames.slice(0, 2), frames.slice(2)]);
  });

  test('the batch parser keeps lines whole across any cut, and keeps the bound', async () => {
    const bytewise = await collect(streamOf(Array.from(encoded, (byte) => Uint8Array.of(byte))).pipeThrough(createNdjsonBatchParser()));
    expect(bytewise.flat()).toEqual(frames);
    const long = new TextEncoder().encode(`{"a":"${'x'.repeat(100)}"}\n`);
    await expect(collect(streamOf([long]).pipeThrough(createNdjsonBatchParser({ maxLineBytes: 64 })))).rejects.toThrow(/longer than 64 bytes/);
  });
});
