// The log page's form: what the user typed, read into agent options and a
// filter, with one clear sentence for anything that does not make sense.
import { parseLogTime, parseTail, type LogOptions } from '../../agent/protocol/log-options.ts';
import type { LogFormValues } from '../../views/logs/log-viewer.tsx';
import type { LogFilterInput } from './log-filter.ts';

/** What a container row's link opens: both streams, the last 200 lines. */
export const DEFAULT_LOG_FORM: LogFormValues = {
  stdout: true,
  stderr: true,
  timestamps: false,
  details: false,
  follow: false,
  tail: '200',
  since: '',
  until: '',
  filter: '',
  regex: false,
};

export type LogRequest = { values: LogFormValues } & (
  | { ok: true; options: LogOptions; filter: LogFilterInput }
  | { ok: false; message: string }
);

const CHECKBOXES = ['stdout', 'stderr', 'timestamps', 'details', 'follow', 'regex'] as const;
const RELATIVE_TIME = /^(?:\d{1,6}[smhd])+$/;
const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };
const MAX_FIELD_CHARS = 64;

/**
 * Reads the form from a query. The form carries `opts=1`, so unticked boxes
 * (absent from a query) read as off; a bare link gets DEFAULT_LOG_FORM.
 * Times are unix seconds, RFC 3339, or an age such as `10m` or `1h30m`
 * (resolved against `now`).
 */
export function readLogForm(query: Record<string, string>, now: number): LogRequest {
  const submitted = query.opts === '1';
  const values: LogFormValues = { ...DEFAULT_LOG_FORM };
  for (const name of CHECKBOXES) values[name] = submitted ? query[name] === '1' : DEFAULT_LOG_FORM[name];
  for (const name of ['tail', 'since', 'until', 'filter'] as const) {
    if (query[name] !== undefined) values[name] = query[name].trim();
  }
  const fail = (message: string): LogRequest => ({ values, ok: false, message });

  if (!values.stdout && !values.stderr) return fail('Choose stdout, stderr or both.');
  const tail = parseTail(values.tail === '' ? 'all' : values.tail);
  if (tail === undefined) return fail(`Tail must be a number of lines or "all", not "${values.tail.slice(0, MAX_FIELD_CHARS)}".`);
  const options: LogOptions = {
    stdout: values.stdout,
    stderr: values.stderr,
    timestamps: values.timestamps,
    details: values.details,
    follow: values.follow,
    tail,
  };
  for (const name of ['since', 'until'] as const) {
    const raw = values[name];
    if (raw === '') continue;
    const time = raw.length <= MAX_FIELD_CHARS ? (relativeTime(raw, now) ?? parseLogTime(raw)) : undefined;
    if (time === undefined) {
      const label = name === 'since' ? 'Since' : 'Until';
      const forms = 'a time such as 2026-01-31T12:00:00Z, unix seconds, or an age such as 10m or 2h';
      return fail(`"${label}" must be ${forms}, not "${raw.slice(0, MAX_FIELD_CHARS)}".`);
    }
    options[name] = time;
  }
  return { values, ok: true, options, filter: { text: values.filter, regex: values.regex } };
}

/** The query string that reproduces these form values (for the stream and download URLs). */
export function logFormQuery(values: LogFormValues): string {
  const query = new URLSearchParams({ opts: '1' });
  for (const name of CHECKBOXES) if (values[name]) query.set(name, '1');
  for (const name of ['tail', 'since', 'until', 'filter'] as const) if (values[name] !== '') query.set(name, values[name]);
  return query.toString();
}

/** The options as recorded in the audit trail. */
export function logAuditDetail(options: LogOptions, filter: LogFilterInput): Record<string, unknown> {
  return { ...options, filter: filter.text, regex: filter.regex };
}

/** `10m`, `1h30m`, `2d` before now, in unix seconds. */
function relativeTime(value: string, now: number): string | undefined {
  if (!RELATIVE_TIME.test(value)) return undefined;
  let seconds = 0;
  for (const [, amount, unit] of value.matchAll(/(\d+)([smhd])/g)) seconds += Number(amount) * (UNIT_SECONDS[unit ?? 's'] ?? 1);
  return String(Math.max(0, Math.floor(now / 1000) - seconds));
}
