// Docker's multiplexed log stream (non-TTY containers): every message is a
// frame of an 8-byte header — stream type, three zero bytes, big-endian
// payload length — and the payload. Demuxed here in order, as one stream of
// pieces, so stdout and stderr lines keep the order Docker sent them in.

/** `system` is Docker's own error stream ("Error grabbing logs: …"). */
export type LogSource = 'stdout' | 'stderr' | 'system';

export interface LogPiece {
  source: LogSource;
  bytes: Uint8Array;
  /** True for the first piece of a Docker message: where its timestamp/details prefix sits. */
  messageStart: boolean;
}

const HEADER_BYTES = 8;
const SOURCES: Partial<Record<number, LogSource>> = { 1: 'stdout', 2: 'stderr', 3: 'system' };

export class LogFrameError extends Error {
  override name = 'LogFrameError';
}

/**
 * Bytes of a multiplexed stream in, payload pieces out: the pieces of one
 * chunk as one array (one stream step per chunk, not per message). Headers
 * and payloads may be cut anywhere by the transport; a payload is passed on
 * in the pieces it arrives in (never gathered), so a huge frame costs no memory.
 *
 * @example
 * response.pipeThrough(createLogDemuxer()) // → [{ source: 'stderr', bytes, messageStart: true }, …], …
 */
export function createLogDemuxer(): TransformStream<Uint8Array, LogPiece[]> {
  const header = new Uint8Array(HEADER_BYTES);
  let headerFilled = 0;
  let remaining = 0;
  let source: LogSource = 'stdout';
  let messageStart = false;

  return new TransformStream({
    transform(chunk, controller) {
      const pieces: LogPiece[] = [];
      let offset = 0;
      while (offset < chunk.length) {
        if (remaining === 0) {
          const take = Math.min(HEADER_BYTES - headerFilled, chunk.length - offset);
          header.set(chunk.subarray(offset, offset + take), headerFilled);
          headerFilled += take;
          offset += take;
          if (headerFilled < HEADER_BYTES) break;
          headerFilled = 0;
          const type = header[0] ?? -1;
          const next = SOURCES[type];
          if (!next || header[1] !== 0 || header[2] !== 0 || header[3] !== 0) {
            throw new LogFrameError(`Docker sent a log frame header that is not valid (stream type ${type}).`);
          }
          source = next;
          remaining = new DataView(header.buffer).getUint32(4);
          messageStart = true;
          continue;
        }
        const take = Math.min(remaining, chunk.length - offset);
        pieces.push({ source, bytes: chunk.subarray(offset, offset + take), messageStart });
        messageStart = false;
        remaining -= take;
        offset += take;
      }
      if (pieces.length > 0) controller.enqueue(pieces);
    },
    flush() {
      if (headerFilled > 0 || remaining > 0) throw new LogFrameError('The log stream ended in the middle of a Docker frame.');
    },
  });
}

/** A TTY container's raw stream: everything is stdout, and Docker's messages have no visible boundaries. */
export function rawLogPieces(): TransformStream<Uint8Array, LogPiece[]> {
  return new TransformStream({
    transform(bytes, controller) {
      controller.enqueue([{ source: 'stdout', bytes, messageStart: false }]);
    },
  });
}
