const UNITS = ['B', 'kB', 'MB', 'GB', 'TB'];

/** A byte count as Docker's CLI shows sizes: decimal units, three significant digits (`1.99MB` → `1.99 MB`). */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit += 1;
  }
  const digits = unit === 0 || value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return `${value.toFixed(digits)} ${UNITS[unit]}`;
}
