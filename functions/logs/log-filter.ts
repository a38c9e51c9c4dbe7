// The server-side line filter. Regular expressions are RE2 (re2js): matching
// takes time linear in the line, so no pattern can stall the server the way a
// backtracking RegExp like `(a+)+$` can.
import { RE2JS, RE2JSException } from 're2js';
import type { LogFrame } from '../../agent/protocol/messages.ts';
import { stripAnsi } from '../../views/logs/ansi.ts';

/** Longest filter accepted; RE2 compile cost grows with the pattern. */
export const MAX_FILTER_CHARS = 500;

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
    return { ok: true, test: (line) => pattern.test(stripAnsi(line)) };
  } catch (error) {
    if (error instanceof RE2JSException) return { ok: false, message: `The filter is not a valid regular expression: ${error.message}.` };
    throw error;
  }
}

/** Drops the lines the filter does not match; other frames (end, error, warning) pass. */
export function filterLogFrames(test: (line: string) => boolean): TransformStream<LogFrame[], LogFrame[]> {
  return new TransformStream({
    transform(frames, controller) {
      const kept = frames.filter((frame) => !('stream' in frame) || test(frame.line));
      if (kept.length > 0) controller.enqueue(kept);
    },
  });
}
