// The server-side line filter. Regular expressions are RE2 (re2js): matching
// takes time linear in the line, so no pattern can stall the server the way a
// backtracking RegExp like `(a+)+$` can. Linear is still line length × the
// compiled program's size (`.{1000}` is a thousand steps per character), so
// the program size is capped, a very long line is matched on its first part
// only (shorter still when this log's lines prove costly), the filter gives
// the event loop back every few milliseconds, and a request's filter has a
// time budget.
import { RE2JS, RE2JSException } from 're2js';
import type { LogFrame } from '../../agent/protocol/messages.ts';
import { stripAnsi } from '../../views/logs/ansi.ts';

/** Longest filter accepted; RE2 compile cost grows with the pattern. */
export const MAX_FILTER_CHARS = 500;
/** Largest compiled program accepted (`.{1000}` is about 1000). */
export const MAX_PROGRAM_SIZE = 2000;
/**
 * Program size × characters matched on a log's first line at most. Most
 * patterns then take well under a millisecond a line, but a step can cost
 * up to ~70 ns (a case-insensitive Unicode class repeated a thousand
 * times), so that line may take ~70 ms: hence the measured cut for the
 * lines after it, the yields and the budget below. A simple pattern such
 * as `error` reads the first 140k characters of a line; `.{1000}` the
 * first 1000.
 */
const MAX_STEPS_PER_LINE = 1_000_000;
/** How long the filter runs before it lets other requests be served. */
const SLICE_MS = 5;
/** The server time one request's filter may take in all. */
export const FILTER_BUDGET_MS = 3_000;
/** What one line's match should take at most, once the filter has seen what this log's lines cost. */
const LINE_TARGET_MS = 2;
/** A line is always matched on at least this many characters. */
const MIN_CHARS = 100;

/**
 * The pattern's test on the first `maxChars` characters of each line (ANSI
 * sequences left out). When a line takes longer than LINE_TARGET_MS, the
 * cut shrinks to what would have taken that long: the price of a step
 * depends on the pattern and the text, so it is measured on the log itself.
 */
export function boundedTest(pattern: RE2JS, maxChars: number, now = () => performance.now()): (line: string) => boolean {
  let chars = maxChars;
  return (line) => {
    const text = stripAnsi(line).slice(0, chars);
    const started = now();
    const matched = pattern.test(text);
    const ms = now() - started;
    if (ms > LINE_TARGET_MS) chars = Math.max(MIN_CHARS, Math.floor((text.length * LINE_TARGET_MS) / ms));
    return matched;
  };
}

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
    return { ok: true, test: boundedTest(pattern, Math.floor(MAX_STEPS_PER_LINE / size)) };
  } catch (error) {
    if (error instanceof RE2JSException) return { ok: false, message: `The filter is not a valid regular expression: ${error.message}.` };
    throw error;
  }
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/**
 * Drops the lines the filter does not match; other frames (end, error,
 * warning) pass. Pauses every SLICE_MS so one costly filter never holds up
 * the other requests, and ends the log with an error frame once it has
 * spent `budgetMs` in all.
 */
export function filterLogFrames(test: (line: string) => boolean, budgetMs = FILTER_BUDGET_MS): TransformStream<LogFrame[], LogFrame[]> {
  let spent = 0;
  return new TransformStream({
    async transform(frames, controller) {
      const kept: LogFrame[] = [];
      let sliceStart = performance.now();
      for (const frame of frames) {
        if (!('stream' in frame) || test(frame.line)) kept.push(frame);
        const sliceMs = performance.now() - sliceStart;
        if (spent + sliceMs > budgetMs) {
          kept.push({
            type: 'error',
            message: `Stopped: the filter took more than ${budgetMs / 1000} s of the server's time on this log. Use a simpler expression, or fewer lines (tail, since, until).`,
          });
          controller.enqueue(kept);
          controller.terminate();
          return;
        }
        if (sliceMs > SLICE_MS) {
          spent += sliceMs;
          await yieldToEventLoop();
          sliceStart = performance.now();
        }
      }
      spent += performance.now() - sliceStart;
      if (kept.length > 0) controller.enqueue(kept);
    },
  });
}
