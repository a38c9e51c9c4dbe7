// The server-side line filter. Regular expressions are RE2 (re2js): matching
// takes time linear in the line, so no pattern can stall the server the way a
// backtracking RegExp like `(a+)+$` can. Linear is still line length × the
// compiled program's size (`.{1000}` is a thousand steps per character), so
// the program size is capped, a very long line is matched on its first part
// only (and the page says so), the filter gives the event loop back every few
// milliseconds, and a request's filter has a time budget.
import { RE2JS, RE2JSException } from 're2js';
import type { LogFrame } from '../../agent/protocol/messages.ts';
import { stripAnsi } from '../../views/logs/ansi.ts';

/** Longest filter accepted; RE2 compile cost grows with the pattern. */
export const MAX_FILTER_CHARS = 500;
/** Largest compiled program accepted (`.{1000}` is about 1000). */
export const MAX_PROGRAM_SIZE = 2000;
/**
 * Program size × characters matched per line at most. Most patterns then
 * take well under a millisecond a line, but a step can cost up to ~70 ns
 * (a case-insensitive Unicode class repeated a thousand times), so a line
 * may take ~70 ms: hence the yields and the budget below. A simple pattern
 * such as `error` reads the first 250k characters of a line; `.{1000}` the
 * first 1000.
 */
const MAX_STEPS_PER_LINE = 1_000_000;
/** How long the filter runs before it lets other requests be served. */
const SLICE_MS = 5;
/** The server time one request's filter may take in all. */
export const FILTER_BUDGET_MS = 3_000;

/** A compiled filter: whether a line passes, and how much of a line it reads (null: all of it). */
export interface LineFilter {
  test(line: string): boolean;
  readsChars: number | null;
}

export interface LogFilterInput {
  text: string;
  regex: boolean;
}

/** `filter` is null when there is none: every line passes. */
export type CompiledFilter = { ok: true; filter: LineFilter | null } | { ok: false; message: string };

/**
 * Plain text matches case-insensitively anywhere in the line; a regular
 * expression (RE2 syntax) as written — `(?i)` makes it case-insensitive.
 * Both look at the text as shown, without ANSI escape sequences.
 *
 * @example
 * const compiled = compileLogFilter({ text: 'err(or)?', regex: true });
 * if (compiled.ok && compiled.filter) keep = compiled.filter.test(line);
 */
export function compileLogFilter({ text, regex }: LogFilterInput): CompiledFilter {
  if (text === '') return { ok: true, filter: null };
  if (text.length > MAX_FILTER_CHARS) return { ok: false, message: `The filter may be at most ${MAX_FILTER_CHARS} characters long.` };
  if (!regex) {
    const needle = text.toLowerCase();
    return { ok: true, filter: { test: (line) => stripAnsi(line).toLowerCase().includes(needle), readsChars: null } };
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
    const readsChars = Math.floor(MAX_STEPS_PER_LINE / size);
    return { ok: true, filter: { test: (line) => pattern.test(stripAnsi(line).slice(0, readsChars)), readsChars } };
  } catch (error) {
    if (error instanceof RE2JSException) return { ok: false, message: `The filter is not a valid regular expression: ${error.message}.` };
    throw error;
  }
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/**
 * Drops the lines the filter does not match; other frames (end, error,
 * warning) pass. Says once, in a warning frame, when a line was longer than
 * the filter reads. Pauses every SLICE_MS so one costly filter never holds
 * up the other requests, and ends the log with an error frame once it has
 * spent `budgetMs` in all.
 */
export function filterLogFrames(filter: LineFilter, budgetMs = FILTER_BUDGET_MS): TransformStream<LogFrame[], LogFrame[]> {
  const { readsChars } = filter;
  let spent = 0;
  let cutSaid = false;
  return new TransformStream({
    async transform(frames, controller) {
      const kept: LogFrame[] = [];
      let sliceStart = performance.now();
      for (const frame of frames) {
        if (!('stream' in frame)) kept.push(frame);
        else {
          if (!cutSaid && readsChars !== null && frame.line.length > readsChars && stripAnsi(frame.line).length > readsChars) {
            cutSaid = true;
            kept.push({
              type: 'warning',
              message: `Lines longer than ${readsChars} characters are matched on their first ${readsChars} only: this expression costs too much to read further. A plain-text filter reads whole lines.`,
            });
          }
          if (filter.test(frame.line)) kept.push(frame);
        }
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
