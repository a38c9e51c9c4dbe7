/**
 * Gathers the arrays a reader yields into one: handed on when it holds
 * `maxItems`, or when nothing more arrived for `maxWaitMs`. A burst of log
 * lines becomes a few SSE messages instead of thousands; a lone line still
 * goes out at once (after `maxWaitMs`).
 *
 * @example
 * for await (const frames of gathered(batches.getReader(), { maxItems: 500, maxWaitMs: 50 })) await send(frames);
 */
export async function* gathered<T>(
  reader: ReadableStreamDefaultReader<T[]>,
  { maxItems, maxWaitMs }: { maxItems: number; maxWaitMs: number },
): AsyncGenerator<T[]> {
  let batch: T[] = [];
  let pending: Promise<ReadableStreamReadResult<T[]>> | null = null;
  while (true) {
    pending ??= reader.read();
    const next = batch.length === 0 ? await pending : await raceTimeout(pending, maxWaitMs);
    if (next === 'timeout') {
      yield batch;
      batch = [];
      continue;
    }
    pending = null;
    if (next.done) {
      if (batch.length > 0) yield batch;
      return;
    }
    batch.push(...next.value);
    if (batch.length >= maxItems) {
      yield batch;
      batch = [];
    }
  }
}

async function raceTimeout<T>(promise: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([promise, new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}
