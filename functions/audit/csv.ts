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

/**
 * Spreadsheets run a cell as a formula when its text, after any leading
 * blanks or control characters, starts with = + - @; such a cell gets a
 * leading `'` so it is shown, never run. (csv-stringify's own option only
 * looks at the first character.)
 */
export function defuseFormula(cell: string): string {
  return /^[\s\p{Cc}]*[=+\-@]/u.test(cell) || /^[\t\r]/.test(cell) ? `'${cell}` : cell;
}

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
  ].map((cell) => (typeof cell === 'string' ? defuseFormula(cell) : cell));
}

/**
 * RFC 4180 CSV through csv-stringify. A cell holding a CR is quoted too (the
 * library quotes LF but not a lone CR, which readers take as a row break).
 */
const options = { record_delimiter: 'windows', quoted_match: /\r/ } as const;

/**
 * The header, then one chunk per batch of records. A pull stream: the next
 * batch is read only when the client has taken the last one, so a slow
 * download holds one batch, not the trail. A failure part-way errors the
 * stream (after `onError`), so the download ends broken instead of looking
 * complete.
 */
export function auditCsvStream(batches: AsyncGenerator<AuditEvent[]>, onError: (err: unknown) => void): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let started = false;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (!started) {
          started = true;
          controller.enqueue(encoder.encode(stringify([[...columns]], options)));
          return;
        }
        try {
          const next = await batches.next();
          if (next.done) controller.close();
          else controller.enqueue(encoder.encode(stringify(next.value.map(record), options)));
        } catch (err) {
          onError(err);
          controller.error(err);
        }
      },
      async cancel() {
        await batches.return(undefined);
      },
    },
    { highWaterMark: 0 },
  );
}
