import { stringify } from 'csv-stringify/sync';
import type { AuditEvent } from '../../db/schema.ts';

/** The export's columns: the same names as the `audit_log` SQL view. */
const columns = [
  'id',
  'at',
  'actor',
  'actor_type',
  'action',
  'outcome',
  'host',
  'target_kind',
  'target_id',
  'target_name',
  'message',
  'client_ip',
  'request_id',
  'detail',
] as const;

function record(e: AuditEvent): (string | number)[] {
  return [
    e.id,
    e.at.toISOString(),
    e.actorName,
    e.actorType,
    e.action,
    e.outcome,
    e.hostName ?? '',
    e.targetKind ?? '',
    e.targetId ?? '',
    e.targetName ?? '',
    e.message,
    e.clientIp ?? '',
    e.requestId ?? '',
    e.detail ? JSON.stringify(e.detail) : '',
  ];
}

/**
 * RFC 4180 CSV through csv-stringify, with spreadsheet formulas defused: a
 * text cell starting with = + - @ (or tab, CR) gets a leading `'`, so a
 * container named `=HYPERLINK(…)` is shown, never run, when the file is opened.
 */
const options = { escape_formulas: true, record_delimiter: 'windows' } as const;

export function auditCsvHeader(): string {
  return stringify([[...columns]], options);
}

export function auditCsvRows(events: AuditEvent[]): string {
  return stringify(events.map(record), options);
}
