import type { LogLineFrame } from '../../agent/protocol/messages.ts';
import { shortId } from '../format.ts';
import { Layout, type PageUser } from '../layout.tsx';
import { Notice } from '../notice.tsx';
import { LogEnd, LogLine, LogWarning } from './log-line.tsx';
import { logsPath } from './logs-picker.tsx';

/** The form as the user filled it in (strings as typed). */
export interface LogFormValues {
  stdout: boolean;
  stderr: boolean;
  timestamps: boolean;
  details: boolean;
  follow: boolean;
  tail: string;
  since: string;
  until: string;
  filter: string;
  regex: boolean;
}

export type ShownFrame = LogLineFrame | { type: 'warning'; message: string };

export interface LogEndNotice {
  kind: 'info' | 'error';
  message: string;
}

export type LogDisplay =
  /** A log read to its end: its last lines, how many matched, and how it ended. */
  | { kind: 'lines'; frames: ShownFrame[]; matched: number; end: LogEndNotice }
  /** A followed log: lines arrive over SSE from `streamUrl`. */
  | { kind: 'live'; streamUrl: string }
  /** Nothing to show (the error notice says why). */
  | { kind: 'none' };

export interface LogViewerProps {
  user: PageUser;
  host: string;
  containerId: string;
  containerName: string;
  values: LogFormValues;
  error?: string;
  display: LogDisplay;
  /** Lines the page keeps at most. */
  maxLines: number;
}

/** Lines and warnings, in order: the body of the page's log and of each SSE message. */
export function LogFrames({ frames }: { frames: ShownFrame[] }) {
  return <>{frames.map((frame) => ('stream' in frame ? <LogLine frame={frame} /> : <LogWarning message={frame.message} />))}</>;
}

/** `/logs/:host/:id`: the options form and the log (read to the end, or live). */
export function LogViewer({ user, host, containerId, containerName, values, error, display, maxLines }: LogViewerProps) {
  const live = display.kind === 'live' && {
    'hx-sse:connect': display.streamUrl,
    'hx-swap': 'beforeend',
    // One stream per page view: reconnecting would replay the history lines.
    'hx-config': '{"sse":{"reconnect":false,"pauseOnBackground":false}}',
  };
  return (
    <Layout title={`Logs of ${containerName}`} user={user}>
      <hgroup>
        <h1>Logs of {containerName}</h1>
        <p>
          <code title={containerId}>{shortId(containerId)}</code> on host {host} · <a href="/logs">all containers</a>
        </p>
      </hgroup>
      <LogOptionsForm host={host} containerId={containerId} values={values} />
      {error && <Notice kind="error" message={error} />}
      {display.kind === 'lines' && <p class="log-summary">{summary(display.matched, display.frames, maxLines, values.filter !== '')}</p>}
      {display.kind === 'live' && (
        <p class="log-summary">
          Live: new lines appear at the bottom as the container writes them. The page keeps the last {maxLines} lines; download
          for the whole log.
        </p>
      )}
      {display.kind !== 'none' && (
        <div id="log-output" class="log-output" role="log" aria-label="Log lines" tabindex={0} data-max-lines={maxLines} {...live}>
          {display.kind === 'lines' && (
            <>
              <LogFrames frames={display.frames} />
              <LogEnd kind={display.end.kind} message={display.end.message} />
            </>
          )}
        </div>
      )}
      <script src="/static/log-viewer.js" defer></script>
    </Layout>
  );
}

function summary(matched: number, frames: ShownFrame[], maxLines: number, filtered: boolean): string {
  const shown = frames.filter((frame) => 'stream' in frame).length;
  const what = filtered ? 'matching line' : 'line';
  if (matched === 0) return filtered ? 'No line matches the filter.' : 'The log has no lines for these options.';
  if (matched <= shown) return `${matched} ${what}${matched === 1 ? '' : 's'}.`;
  return `${matched} ${what}s; the page shows the last ${Math.min(shown, maxLines)}. Download to get all of them.`;
}

function LogOptionsForm({ host, containerId, values }: { host: string; containerId: string; values: LogFormValues }) {
  const box = (name: 'stdout' | 'stderr' | 'timestamps' | 'details' | 'follow' | 'regex', label: string) => (
    <label>
      <input type="checkbox" name={name} value="1" checked={values[name]} /> {label}
    </label>
  );
  return (
    <form method="get" action={logsPath(host, containerId)} class="log-form">
      <input type="hidden" name="opts" value="1" />
      <fieldset class="log-checkboxes">
        <legend>Show</legend>
        {box('stdout', 'stdout')}
        {box('stderr', 'stderr')}
        {box('timestamps', 'timestamps')}
        {box('details', 'details')}
        {box('follow', 'follow live')}
      </fieldset>
      <div class="log-fields">
        <label>
          Tail
          <input name="tail" value={values.tail} placeholder="all" inputmode="numeric" maxlength={12} aria-describedby="tail-help" />
          <small id="tail-help">Lines from the end: a number, or all.</small>
        </label>
        <label>
          Since
          <input name="since" value={values.since} maxlength={64} aria-describedby="time-help" />
        </label>
        <label>
          Until
          <input name="until" value={values.until} maxlength={64} aria-describedby="time-help" />
        </label>
      </div>
      <small id="time-help">Times: 2026-01-31T12:00:00Z, unix seconds, or an age such as 10m, 2h or 1d.</small>
      <label>
        Filter
        <input type="search" name="filter" value={values.filter} maxlength={500} aria-describedby="filter-help" />
        <small id="filter-help">Lines containing this text (any case), or matching it as a regular expression (RE2 syntax; (?i) ignores case).</small>
      </label>
      {box('regex', 'regular expression')}
      <div class="log-buttons">
        <button type="submit">Show</button>
        <button type="submit" class="secondary" formaction={logsPath(host, containerId, '/download')}>
          Download .log
        </button>
      </div>
    </form>
  );
}
