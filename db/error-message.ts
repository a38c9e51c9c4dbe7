/**
 * The database's own words for an error. Drizzle wraps driver errors as
 * "Failed query: <sql> params: <values>", which buries the reason and would
 * copy audit fields into logs twice; the driver's message is in `cause`.
 */
export function databaseErrorMessage(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  return err.cause instanceof Error ? err.cause.message : err.message;
}
