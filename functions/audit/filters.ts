import { HTTPException } from 'hono/http-exception';
import type { AuditFilter, AuditOutcome } from '../../db/queries/audit.ts';
import type { AuditQuery } from '../../views/audit/audit-href.ts';

const outcomes: readonly AuditOutcome[] = ['success', 'failure', 'denied'];

// What a datetime-local input sends: minutes, optionally seconds and milliseconds.
const localDateTime = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?$/;

function badRequest(message: string): never {
  throw new HTTPException(400, { message });
}

/**
 * A datetime-local value read as UTC. Returns the instant and the length of
 * the unit it was given in (a minute, second or millisecond), so "to 12:00"
 * can include the whole of 12:00.
 */
function parseUtc(label: string, value: string): { at: Date; unitMs: number } {
  const m = localDateTime.exec(value);
  if (!m) badRequest(`${label} must be a date and time such as 2026-01-31T14:30 (UTC), not "${value}".`);
  const [, y, mo, d, h, mi, s, ms] = m;
  const at = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? 0), Number((ms ?? '0').padEnd(3, '0'))));
  // Date.UTC rolls 2026-02-31 over into March; refuse instead.
  if (at.getUTCMonth() !== Number(mo) - 1 || at.getUTCDate() !== Number(d) || Number(h) > 23 || Number(mi) > 59 || Number(s ?? 0) > 59) {
    badRequest(`${label} "${value}" is not a real date and time.`);
  }
  return { at, unitMs: ms !== undefined ? 1 : s !== undefined ? 1000 : 60_000 };
}

function text(params: URLSearchParams, name: string, label: string, max: number): string {
  const value = (params.get(name) ?? '').trim();
  if (value.length > max) badRequest(`${label} is at most ${max} characters long.`);
  return value;
}

/**
 * Reads the audit page's filters from a query string. Empty fields mean "any"
 * (the form sends every field); a malformed one is a 400 with a sentence
 * saying what is wrong.
 */
export function parseAuditQuery(params: URLSearchParams): { query: AuditQuery; filter: AuditFilter; beforeId?: number } {
  const query: AuditQuery = {
    user: text(params, 'user', 'User', 64),
    action: text(params, 'action', 'Action', 64),
    outcome: text(params, 'outcome', 'Outcome', 16),
    host: text(params, 'host', 'Host', 64),
    from: text(params, 'from', 'From', 32),
    to: text(params, 'to', 'To', 32),
  };
  const filter: AuditFilter = {};
  if (query.user) filter.actorName = query.user;
  if (query.action) filter.actionPrefix = query.action;
  if (query.outcome) {
    if (!outcomes.includes(query.outcome as AuditOutcome)) badRequest(`Outcome must be one of ${outcomes.join(', ')}, not "${query.outcome}".`);
    filter.outcome = query.outcome as AuditOutcome;
  }
  if (query.host) filter.hostName = query.host;
  if (query.from) filter.from = parseUtc('From', query.from).at;
  if (query.to) {
    const to = parseUtc('To', query.to);
    filter.until = new Date(to.at.getTime() + to.unitMs);
  }
  if (filter.from && filter.until && filter.from >= filter.until) badRequest('From must be earlier than To.');

  const before = params.get('before');
  let beforeId: number | undefined;
  if (before) {
    if (!/^[1-9]\d{0,15}$/.test(before)) badRequest(`"before" must be a record id, not "${before}".`);
    beforeId = Number(before);
  }
  return { query, filter, beforeId };
}
