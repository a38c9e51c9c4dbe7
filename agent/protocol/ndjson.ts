// NDJSON framing on Web streams: one JSON value per "\n"-terminated line.
// Used for everything the agent streams (logs, pull progress).

import { concatBytes } from './encoding.ts';

export const NDJSON_CONTENT_TYPE = 'application/x-ndjson';
export const DEFAULT_MAX_LINE_BYTES = 1024 * 1024;

const NEWLINE = 0x0a;

export class NdjsonError extends Error {
  override name = 'NdjsonError';
}

/**
 * Bytes in, parsed values out. Splits on "\n" at the byte level (a newline
 * byte never occurs inside a multi-byte UTF-8 character), so lines may span
 * chunks freely. A line longer than `maxLineBytes` errors the stream instead
 * of growing a buffer without bound. Blank lines are skipped; a final line
 * without "\n" still counts.
 *
 * @example
 * for await (const frame of response.body.pipeThrough(createNdjsonParser())) { ... }
 */
export function createNdjsonParser(options: NdjsonParserOptions = {}): TransformStream<Uint8Array, unknown> {
  const lines = ndjsonLines(options);
  const enqueueEach = (values: unknown[], controller: TransformStreamDefaultController<unknown>) => {
    for (const value of values) controller.enqueue(value);
  };
  return new TransformStream({
    transform: (chunk, controller) => enqueueEach(lines.push(chunk), controller),
    flush: (controller) => enqueueEach(lines.end(), controller),
  });
}

/**
 * The same parser, handing on the values of each chunk as one array: for
 * streams of many small frames (logs), one stream step per chunk instead of
 * one per line.
 *
 * @example
 * for await (const frames of response.body.pipeThrough(createNdjsonBatchParser())) for (const frame of frames) { ... }
 */
export function createNdjsonBatchParser(options: NdjsonParserOptions = {}): TransformStream<Uint8Array, unknown[]> {
  const lines = ndjsonLines(options);
  const enqueueBatch = (values: unknown[], controller: TransformStreamDefaultController<unknown[]>) => {
    if (values.length > 0) controller.enqueue(values);
  };
  return new TransformStream({
    transform: (chunk, controller) => enqueueBatch(lines.push(chunk), controller),
    flush: (controller) => enqueueBatch(lines.end(), controller),
  });
}

export interface NdjsonParserOptions {
  maxLineBytes?: number;
}

/** The parser's state: `push` a chunk, get the values it completed; `end` for the last line. */
function ndjsonLines({ maxLineBytes = DEFAULT_MAX_LINE_BYTES }: NdjsonParserOptions) {
  const decoder = new TextDecoder();
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  let lineNumber = 0;

  function parse(parts: Uint8Array[], values: unknown[]): void {
    lineNumber += 1;
    const text = decoder.decode(concatBytes(parts)).replace(/\r$/, '');
    if (text.trim() === '') return;
    try {
      values.push(JSON.parse(text));
    } catch (error) {
      throw new NdjsonError(`NDJSON line ${lineNumber} is not valid JSON: ${(error as Error).message}`);
    }
  }

  function overflow(): NdjsonError {
    return new NdjsonError(`NDJSON line ${lineNumber + 1} is longer than ${maxLineBytes} bytes.`);
  }

  return {
    push(chunk: Uint8Array): unknown[] {
      const values: unknown[] = [];
      let start = 0;
      for (let index = chunk.indexOf(NEWLINE); index !== -1; index = chunk.indexOf(NEWLINE, start)) {
        if (pendingBytes + index - start > maxLineBytes) throw overflow();
        parse([...pending, chunk.subarray(start, index)], values);
        pending = [];
        pendingBytes = 0;
        start = index + 1;
      }
      const rest = chunk.subarray(start);
      if (pendingBytes + rest.length > maxLineBytes) throw overflow();
      if (rest.length > 0) {
        // Copy: the producer may reuse its chunk buffer.
        pending.push(rest.slice());
        pendingBytes += rest.length;
      }
      return values;
    },
    end(): unknown[] {
      const values: unknown[] = [];
      if (pendingBytes > 0) parse(pending, values);
      return values;
    },
  };
}

/**
 * Values in, NDJSON bytes out.
 *
 * @example
 * const body = frames.pipeThrough(createNdjsonSerializer());
 * return new Response(body, { headers: { 'content-type': NDJSON_CONTENT_TYPE } });
 */
export function createNdjsonSerializer(): TransformStream<unknown, Uint8Array> {
  const encoder = new TextEncoder();
  return new TransformStream({
    transform(value, controller) {
      const line = JSON.stringify(value);
      if (line === undefined) throw new NdjsonError('Cannot write undefined as an NDJSON frame.');
      controller.enqueue(encoder.encode(`${line}\n`));
    },
  });
}

/**
 * Batches of values in, NDJSON bytes out: each batch as one chunk of lines.
 *
 * @example
 * const body = frameBatches.pipeThrough(createNdjsonBatchSerializer());
 */
export function createNdjsonBatchSerializer(): TransformStream<unknown[], Uint8Array> {
  const encoder = new TextEncoder();
  return new TransformStream({
    transform(values, controller) {
      let text = '';
      for (const value of values) {
        const line = JSON.stringify(value);
        if (line === undefined) throw new NdjsonError('Cannot write undefined as an NDJSON frame.');
        text += `${line}\n`;
      }
      if (text !== '') controller.enqueue(encoder.encode(text));
    },
  });
}
