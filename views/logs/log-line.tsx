import { raw } from 'hono/html';
import type { Child } from 'hono/jsx';
import type { LogEndReason, LogLineFrame } from '../../agent/protocol/messages.ts';
import { styledRuns } from './ansi.ts';

/**
 * One log line. All text goes through JSX escaping; the only markup added is
 * the `&#13;` for a carriage return, so it stays in the line as a character
 * (a raw "\r" would become a line break in the page and in SSE framing).
 * Other control characters (NUL, BEL, DEL, …), which HTML cannot carry, are
 * shown as their Unicode control pictures (␀, ␇, ␡); a download keeps them.
 */
export function LogLine({ frame }: { frame: LogLineFrame }) {
  return (
    <div class={`log-line log-${frame.stream}`}>
      {frame.ts !== undefined && <span class="log-ts">{frame.ts}</span>}
      {frame.details !== undefined && <span class="log-details">{frame.details}</span>}
      <span class="log-text">
        {styledRuns(frame.line).map(({ text, classes }) =>
          classes.length === 0 ? shownText(text) : <span class={classes.join(' ')}>{shownText(text)}</span>,
        )}
      </span>
      {frame.continued && (
        <span class="log-continued" title="This line is longer than one frame; it goes on in the next line.">
          ⏎
        </span>
      )}
    </div>
  );
}

const CARRIAGE_RETURN = raw('&#13;');

/** C0 controls but tab and carriage return, and DEL. */
const UNSHOWABLE = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/g;

function controlPicture(char: string): string {
  const code = char.charCodeAt(0);
  return String.fromCharCode(code === 0x7f ? 0x2421 : 0x2400 + code);
}

function shownText(text: string): Child {
  const visible = text.replace(UNSHOWABLE, controlPicture);
  if (!visible.includes('\r')) return visible;
  return visible.split('\r').flatMap((part, index) => (index === 0 ? [part] : [CARRIAGE_RETURN, part]));
}

const END_MESSAGES: Record<LogEndReason, string> = {
  complete: 'End of the log.',
  'container-exited': 'The container stopped: the live log has ended.',
  'container-removed': 'The container was removed: the live log has ended.',
};

/** The line under the log saying why it ended; `log-end` tells the page script the stream is done. */
export function LogEnd({ kind, message }: { kind: 'info' | 'error'; message: string }) {
  return (
    <p class={`notice notice-${kind} log-end`} role={kind === 'error' ? 'alert' : 'status'}>
      {message}
    </p>
  );
}

export function endMessage(reason: LogEndReason): string {
  return END_MESSAGES[reason];
}

/** Docker's own complaint while reading, shown in place (the log goes on after it). */
export function LogWarning({ message }: { message: string }) {
  return (
    <div class="log-line log-warning" role="status">
      {message}
    </div>
  );
}
