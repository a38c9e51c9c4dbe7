// The server-side line filter. Regular expressions are RE2 (re2js): matching
// takes time linear in the line, so no pattern can stall the server the way a
// backtracking RegExp like `(a+)+$` can. Linear is still line length × the
// compiled program's size (`.{1000}` is a thousand steps per character), so
// the program size is capped, a very long line is matched on its first part
// only, and the filter gives the event loop back every few milliseconds.
import { RE2JS, RE2JSException } from 're2js';
import type { LogFrame } from '../../agent/protocol/messages.ts';
import { stripAnsi } from '../../views/logs/ansi.ts';

/** Longest filter accepted; RE2 compile cost grows with the pattern. */
export const MAX_FILTER_CHARS = 500;
/** Largest compiled program accepted (`.{1000}` is about 1000). */
export const MAX_PROGRAM_SIZE = 2000;
/**
 * Program size × characters matched per line at most: about 50 ms of
 * matching. A simple pattern reads whole 1 MB lines; `.{1000}` the first 20k
 * characters of a line.
 */
const MAX_STEPS_PER_LINE = 20_000_000;
/** How long the filter runs before it lets other requests be served. */
const SLICE_MS = 10;

export interface LogFilterInput {
  text: string;
  regex: boolean;
}

/** `test` is null when there is no filter: every line passes. */
export type CompiledFilter = { ok: true; test: ((line: string) => boolean) | null } | { ok: false; message: string };

/**
 * Plain text matches case-insensitively anywhere in the line; a regular
 * expression (RE2 syntax) as written — `(?i)` makes it case-insensitive.
 * Both look at the text as shown, without ANSI escape sequences.
 *
 * @example
 * const filter = compileLogFilter({ text: 'err(or)?', regex: true });
 * if (filter.ok && filter.test) keep = filter.test(line);
 */
export function compileLogFilter({ text, regex }: LogFilterInput): CompiledFilter {
  if (text === '') return { ok: true, test: null };
  if (text.length > MAX_FILTER_CHARS) return { ok: false, message: `The filter may be at most ${MAX_FILTER_CHARS} characters long.` };
  if (!regex) {
    const needle = text.toLowerCase();
    return { ok: true, test: (line) => stripAnsi(line).toLowerCase().includes(needle) };
  }
  try {
    const pattern = RE2JS.compile(text);
    const size = pattern.programSize();
    if (size > MAX_PROGRAM_SIZE) {
      return {
        ok: false,
        message: `The regular expression is too complex to run on every line (size ${size}, at most ${MAX_PROGRAM_SIZE}); use smaller repetition counts.`,
      };
    }
    const maxChars = Math.floor(MAX_STEPS_PER_LINE / size);
    return { ok: true, test: (line) => pattern.test(stripAnsi(line).slice(0, maxChars)) };
  } catch (error) {
    if (error instanceof RE2JSException) return { ok: false, message: `The filter is not a valid regular expression: ${error.message}.` };
    throw error;
  }
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/**
 * Drops the lines the filter does not match; other frames (end, error,
 * warning) pass. Pauses every SLICE_MS so one costly filter never holds up
 * the other requests.
 */
export function filterLogFrames(test: (line: string) => boolean): TransformStream<LogFrame[], LogFrame[]> {
  return new TransformStream({
    async transform(frames, controller) {
      const kept: LogFrame[] = [];
      let sliceStart = performance.now();
      for (const frame of frames) {
        if (!('stream' in frame) || test(frame.line)) kept.push(frame);
        if (performance.now() - sliceStart > SLICE_MS) {
          await yieldToEventLoop();
          sliceStart = performance.now();
        }
      }
      if (kept.length > 0) controller.enqueue(kept);
    },
  });
}
