/** The MySQL error code (`ER_DUP_ENTRY`, …) of a failed query, through drizzle's wrapper. */
export function mysqlErrorCode(err: unknown): string | undefined {
  for (let e: unknown = err; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('ER_')) return code;
  }
  return undefined;
}

/**
 * Runs a transaction again when InnoDB chose it as a deadlock victim: two
 * racing transactions that lock the same rows then both insert (the first
 * admin, say) are resolved by the database, and the retry sees the winner.
 */
export async function retryOnDeadlock<T>(run: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (err) {
      if (attempt >= attempts || mysqlErrorCode(err) !== 'ER_LOCK_DEADLOCK') throw err;
    }
  }
}
