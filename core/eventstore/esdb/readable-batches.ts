import type { Readable } from 'node:stream';

/**
 * Groups an object-mode stream into batches of what has already arrived (never waiting to fill a
 * batch), so a subscriber hands a burst of events to its handler at once and a lone event at once.
 * Ends when the stream ends; a destroyed stream ends the iteration with its error.
 */
export async function* readableBatches<T>(readable: Readable, max: number): AsyncGenerator<T[]> {
  if (!Number.isInteger(max) || max < 1) throw new Error(`batch size must be a positive integer, got ${max}`);
  // The async iterator pulls with read() too, so taking what is buffered in between keeps the order.
  for await (const first of readable) {
    const batch: T[] = [first as T];
    while (batch.length < max) {
      const next: unknown = readable.read();
      if (next === null) break;
      batch.push(next as T);
    }
    yield batch;
  }
}
