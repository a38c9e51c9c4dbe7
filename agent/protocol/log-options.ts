// The options of a container-log request, shared by the control plane (which
// builds them from the page's form) and the agent (which checks them again).
import { AGENT_PATHS } from './messages.ts';

export interface LogOptions {
  stdout: boolean;
  stderr: boolean;
  timestamps: boolean;
  details: boolean;
  /** Lines from the end of the log: `all`, or a number (0: no history, only new lines when following). */
  tail: number | 'all';
  /** Docker's unix form `seconds[.fraction]`; see parseLogTime. */
  since?: string;
  until?: string;
  follow: boolean;
}

/** Longest line sent in one frame; a longer one is split into frames marked `continued`. */
export const LOG_MAX_LINE_CHARS = 2 * 1024 * 1024;
/** Longest timestamp-and-details prefix Docker puts before a line that the agent reads as a prefix. */
export const LOG_MAX_PREFIX_BYTES = 64 * 1024;
/**
 * Bound for one log frame's NDJSON line, for both ends: JSON takes at most 6
 * bytes per UTF-16 unit (`\u0000`), so a frame of the longest line still fits.
 */
export const LOG_FRAME_MAX_BYTES = 6 * (LOG_MAX_LINE_CHARS + LOG_MAX_PREFIX_BYTES) + 1024;
/** Docker reads `tail` as a signed 64-bit number; nine digits is more log than any host keeps. */
const TAIL_PATTERN = /^\d{1,9}$/;

const UNIX_TIME = /^\d{1,12}(?:\.\d{1,9})?$/;
const RFC3339_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?([Zz]|[+-]\d{2}:\d{2})$/;

/**
 * A point in time as Docker's logs endpoint wants it (`seconds[.fraction]`,
 * fraction digits kept exactly), from unix seconds or RFC 3339 (seconds
 * optional, a zone required); undefined when it is neither.
 *
 * @example
 * parseLogTime('2026-01-02T03:04:05.123456789Z') // '1767323045.123456789'
 */
export function parseLogTime(value: string): string | undefined {
  if (UNIX_TIME.test(value)) return value;
  const match = RFC3339_TIME.exec(value);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second = '00', fraction, zone = 'Z'] = match;
  const fields = [year, month, day, hour, minute, second].map(Number) as [number, number, number, number, number, number];
  const [y, mo, d, h, mi, s] = fields;
  const utc = Date.UTC(y, mo - 1, d, h, mi, s);
  const check = new Date(utc);
  // Date.UTC rolls 2026-02-31 over into March: a calendar date that does not exist is refused.
  if (check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) return undefined;
  const offsetMinutes = /^[Zz]$/.test(zone) ? 0 : (zone.startsWith('-') ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4)));
  const seconds = utc / 1000 - offsetMinutes * 60;
  if (seconds < 0) return undefined;
  return fraction ? `${seconds}.${fraction}` : String(seconds);
}

/** `all`, a whole number of lines, or undefined when it is neither. */
export function parseTail(value: string): number | 'all' | undefined {
  if (value === 'all') return 'all';
  return TAIL_PATTERN.test(value) ? Number(value) : undefined;
}

export type ParsedLogOptions = { ok: true; options: LogOptions } | { ok: false; message: string };

const BOOLEANS: Record<string, boolean> = { '1': true, true: true, '0': false, false: false };

/**
 * The agent's reading of a logs query. Absent fields take `docker logs`'
 * defaults: both streams, the whole log, nothing else.
 */
export function parseLogQuery(query: URLSearchParams): ParsedLogOptions {
  const flags = { stdout: true, stderr: true, timestamps: false, details: false, follow: false };
  for (const name of Object.keys(flags) as (keyof typeof flags)[]) {
    const raw = query.get(name);
    if (raw === null) continue;
    const value = BOOLEANS[raw];
    if (value === undefined) return { ok: false, message: `${name} must be 1 or 0, not "${raw}".` };
    flags[name] = value;
  }
  if (!flags.stdout && !flags.stderr) return { ok: false, message: 'Choose stdout, stderr or both.' };
  const tail = parseTail(query.get('tail') ?? 'all');
  if (tail === undefined) return { ok: false, message: `tail must be a whole number or "all", not "${query.get('tail')}".` };
  const options: LogOptions = { ...flags, tail };
  for (const name of ['since', 'until'] as const) {
    const raw = query.get(name);
    if (raw === null || raw === '') continue;
    const time = parseLogTime(raw);
    if (time === undefined) return { ok: false, message: `${name} must be unix seconds or an RFC 3339 time, not "${raw}".` };
    options[name] = time;
  }
  return { ok: true, options };
}

/**
 * The agent path for a container's log with these options.
 *
 * @example
 * client.stream('GET', containerLogsPath(id, { ...options, follow: true }))
 */
export function containerLogsPath(containerId: string, options: LogOptions): string {
  const query = new URLSearchParams();
  for (const name of ['stdout', 'stderr', 'timestamps', 'details', 'follow'] as const) query.set(name, options[name] ? '1' : '0');
  query.set('tail', String(options.tail));
  if (options.since !== undefined) query.set('since', options.since);
  if (options.until !== undefined) query.set('until', options.until);
  return `${AGENT_PATHS.containers}/${encodeURIComponent(containerId)}/logs?${query}`;
}
