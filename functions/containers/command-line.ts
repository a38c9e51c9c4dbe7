import { parse } from 'shell-quote';
import type { Checked } from '../../agent/protocol/container-fields.ts';
import { findUnsafeCharacter } from '../forms/unsafe-characters.ts';

const HOW_TO_QUOTE = "Berth runs the command without a shell: quote it, or run it in one with sh -c '…'.";

/**
 * Splits a command line into argv with shell quoting rules, e.g.
 * `sh -c "echo 'a b'"` → `['sh', '-c', "echo 'a b'"]`. There is no shell to
 * run pipes, redirections, lists, comments or file patterns, so those are
 * refused rather than passed on as words. `$NAME` is kept for a shell in the
 * container to expand (Berth has no variables of its own to put there).
 *
 * shell-quote drops an unmatched quote and a trailing backslash without a
 * word, so those are found first by `findUnclosedQuote`. Control characters
 * and text-direction overrides are refused, typed or written as $'\e' escapes
 * (the command is shown to others); tab and quoted line breaks are kept.
 */
export function parseCommandLine(text: string): Checked<string[]> {
  const typed = findUnsafeCharacter(text, { tab: true, lineFeed: true });
  if (typed) return { ok: false, message: unsafeMessage(typed) };
  const unclosed = findUnclosedQuote(text);
  if (unclosed) return { ok: false, message: unclosed };

  let entries: ReturnType<typeof parse>;
  try {
    // Returning undefined for the empty name keeps a lone `$` as itself.
    entries = parse(text, (name) => (name === '' ? undefined : `\${${name}}`));
  } catch (error) {
    // shell-quote throws for a malformed ${…}.
    return { ok: false, message: `The command has a malformed variable: ${(error as Error).message}.` };
  }
  const argv: string[] = [];
  for (const entry of entries) {
    if (typeof entry === 'string') {
      argv.push(entry);
      continue;
    }
    if ('comment' in entry) {
      return { ok: false, message: `The command has an unquoted # (a comment would drop "#${entry.comment}"). ${HOW_TO_QUOTE}` };
    }
    if ('pattern' in entry) {
      return { ok: false, message: `The command has an unquoted file pattern (${entry.pattern}). ${HOW_TO_QUOTE}` };
    }
    const op = 'op' in entry ? String(entry.op) : '?';
    return { ok: false, message: `The command has an unquoted shell operator ${op}. ${HOW_TO_QUOTE}` };
  }
  const escaped = argv.map((word) => findUnsafeCharacter(word, { tab: true, lineFeed: true })).find((found) => found !== null);
  if (escaped) return { ok: false, message: unsafeMessage(escaped) };
  return { ok: true, value: argv };
}

function unsafeMessage(found: string): string {
  return `The command contains ${found}; Berth refuses control characters and text-direction overrides, which would show others something other than what runs.`;
}

/**
 * The problem with the command's quoting, or null: a quote opened and never
 * closed, a trailing backslash, or a line break outside quotes (a shell
 * would start a second command there). Follows the shell's rules: nothing
 * escapes inside '…'; a backslash escapes the next character elsewhere,
 * and in $'…'.
 */
function findUnclosedQuote(text: string): string | null {
  let quote: "'" | '"' | "$'" | null = null;
  let openedAt = 0;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quote === "'") {
      if (char === "'") quote = null;
    } else if (quote) {
      if (char === '\\') i++;
      else if (char === (quote === '"' ? '"' : "'")) quote = null;
    } else if (char === '\\') {
      if (i === text.length - 1) return 'The command ends with a backslash that escapes nothing.';
      i++;
    } else if (char === '\n' || char === '\r') {
      return 'The command has a line break outside quotes; write it on one line.';
    } else if (char === "'" || char === '"') {
      quote = char;
      openedAt = i;
    } else if (char === '$' && text[i + 1] === "'") {
      quote = "$'";
      openedAt = i;
      i++;
    }
  }
  if (!quote) return null;
  const shown = quote === "$'" ? "'" : quote;
  return `The command has an unbalanced quote: the ${shown} at position ${openedAt + 1} is never closed.`;
}
