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
export function createNdjsonParser(
  { maxLineBytes = DEFAULT_MAX_LINE_BYTES }: { maxLineBytes?: number } = {},
): TransformStream<Uint8Array, unknown> {
  const decoder = new TextDecoder();
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  let lineNumber = 0;

  function emit(parts: Uint8Array[], controller: TransformStreamDefaultController<unknown>): void {
    lineNumber += 1;
    const text = decoder.decode(concatBytes(parts)).replace(/\r$/, '');
    if (text.trim() === '') return;
    try {
      controller.enqueue(JSON.parse(text));
    } catch (error) {
      throw new NdjsonError(`NDJSON line ${lineNumber} is not valid JSON: ${(error as Error).message}`);
    }
  }

  function overflow(): NdjsonError {
    return new NdjsonError(`NDJSON line ${lineNumber + 1} is longer than ${maxLineBytes} bytes.`);
  }

  return new TransformStream({
    transform(chunk, controller) {
      let start = 0;
      for (let index = chunk.indexOf(NEWLINE); index !== -1; index = chunk.indexOf(NEWLINE, start)) {
        if (pendingBytes + index - start > maxLineBytes) throw overflow();
        emit([...pending, chunk.subarray(start, index)], controller);
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
    },
    flush(controller) {
      if (pendingBytes > 0) emit(pending, controller);
    },
  });
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
