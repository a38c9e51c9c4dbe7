// Makes an audit record's text safe to store and to read: every field fits
// its column (a value too long for it would lose the whole record, and with
// it the action), and characters that hide or reorder what a reader sees
// are written out as escapes. The record is hashed as stored.

import { DIRECTION_OVERRIDES } from '../forms/unsafe-characters.ts';

/** Controls but tab and newline, C1 controls, the Unicode direction marks, and the overrides the forms refuse. */
const HIDDEN = new RegExp(`[\\u0000-\\u0008\\u000B-\\u001F\\u007F-\\u009F\\u061C\\u200E\\u200F${DIRECTION_OVERRIDES}]`, 'g');

/** String values inside `detail` are cut to this many characters. */
const MAX_DETAIL_CHARS = 4096;

/**
 * `value` with hidden characters spelled `\u202E`, cut to at most `max`
 * UTF-16 units (never between the halves of a surrogate pair), ending in `…`
 * when cut.
 *
 * @example
 * fitAuditText('x\u202Eevil', 64) // → 'x\\u202Eevil'
 */
export function fitAuditText(value: string, max: number): string {
  const shown = value.replace(HIDDEN, (char) => `\\u${char.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`);
  if (shown.length <= max) return shown;
  let cut = shown.slice(0, max - 1);
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut}…`;
}

export function fitOptional(value: string | null | undefined, max: number): string | null {
  return value == null ? null : fitAuditText(value, max);
}

/** `detail` with every string in it (keys too) fitted, so a huge or deceptive input cannot spoil the record. */
export function fitDetail(detail: unknown): unknown {
  if (typeof detail === 'string') return fitAuditText(detail, MAX_DETAIL_CHARS);
  if (Array.isArray(detail)) return detail.map(fitDetail);
  if (detail && typeof detail === 'object') {
    return Object.fromEntries(Object.entries(detail).map(([key, value]) => [fitAuditText(key, MAX_DETAIL_CHARS), fitDetail(value)]));
  }
  return detail;
}
