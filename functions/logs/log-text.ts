import type { LogOptions } from '../../agent/protocol/log-options.ts';
import type { LogFrame } from '../../agent/protocol/messages.ts';

/** Text is handed on in pieces of about this size: a log of a million lines is not a million writes. */
const PIECE_CHARS = 64 * 1024;

/**
 * Log frames in, the log as `docker logs` prints it out: `[timestamp ][details ]line\n`
 * (a `continued` piece without its "\n", so an over-long line comes out whole).
 * An `error` frame, or a stream without its `end` frame, errors the output,
 * so a download that broke off fails instead of looking complete.
 */
export function logText(options: Pick<LogOptions, 'timestamps' | 'details'>): TransformStream<LogFrame[], Uint8Array> {
  const encoder = new TextEncoder();
  let parts: string[] = [];
  let chars = 0;
  let ended = false;
  /** Streams in the middle of an over-long line: its next piece gets no second prefix. */
  const continuing = new Set<string>();
  return new TransformStream({
    transform(frames, controller) {
      for (const frame of frames) {
        if ('stream' in frame) {
          const prefix = continuing.has(frame.stream)
            ? ''
            : (options.timestamps ? `${frame.ts ?? ''} ` : '') + (options.details ? `${frame.details ?? ''} ` : '');
          if (frame.continued) continuing.add(frame.stream);
          else continuing.delete(frame.stream);
          const text = prefix + frame.line + (frame.continued ? '' : '\n');
          parts.push(text);
          chars += text.length;
        } else if (frame.type === 'end') {
          ended = true;
        } else if (frame.type === 'error') {
          throw new Error(frame.message);
        }
      }
      if (chars >= PIECE_CHARS) {
        controller.enqueue(encoder.encode(parts.join('')));
        parts = [];
        chars = 0;
      }
    },
    flush(controller) {
      if (!ended) throw new Error('The agent stopped sending the log before its end.');
      if (parts.length > 0) controller.enqueue(encoder.encode(parts.join('')));
    },
  });
}
