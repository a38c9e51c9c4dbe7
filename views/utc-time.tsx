/** `2026-01-31 14:05:09 UTC`: one fixed, sortable format for every time Berth shows. */
export function formatUtc(at: Date): string {
  return `${at.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** A time in the page, machine-readable in `datetime` (ISO 8601 with milliseconds). */
export function UtcTime({ at }: { at: Date }) {
  return <time datetime={at.toISOString()}>{formatUtc(at)}</time>;
}
