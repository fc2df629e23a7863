/**
 * Group commit, in general form. `submit` hands one item to `flush`; while `concurrency` flushes are
 * already in flight, submitted items wait and go together in the next one (at most `maxBatch` each).
 * An idle store therefore sends every item at once, alone, and costs no latency; a busy one sends one
 * statement, one commit and one network write for many callers.
 *
 * `flush` answers with one result per item, in order. If it throws, every item of that flush rejects
 * with the same error. (Written here rather than taken from a library: DataLoader, the usual choice,
 * batches by event-loop tick and caches by key; this needs batching by "still busy" and no cache.)
 */
export interface BatcherOptions {
  /** Flushes in flight at once (e.g. connections the batcher may hold). At least 1. */
  readonly concurrency: number;
  /** Items in one flush. At least 1. */
  readonly maxBatch: number;
}

interface Waiting<Item, Result> {
  readonly item: Item;
  readonly resolve: (result: Result) => void;
  readonly reject: (error: unknown) => void;
}

export const createBatcher = <Item, Result>(
  flush: (items: readonly Item[]) => Promise<readonly Result[]>,
  options: BatcherOptions,
): ((item: Item) => Promise<Result>) => {
  const concurrency = Math.max(1, Math.floor(options.concurrency));
  const maxBatch = Math.max(1, Math.floor(options.maxBatch));
  const queue: Waiting<Item, Result>[] = [];
  let inFlight = 0;

  const run = async (batch: readonly Waiting<Item, Result>[]) => {
    try {
      const results = await flush(batch.map((waiting) => waiting.item));
      if (results.length !== batch.length) throw new Error(`batch of ${batch.length} answered with ${results.length} results`);
      batch.forEach((waiting, index) => waiting.resolve(results[index]!));
    } catch (error) {
      for (const waiting of batch) waiting.reject(error);
    } finally {
      inFlight--;
      pump();
    }
  };

  const pump = () => {
    while (inFlight < concurrency && queue.length > 0) {
      inFlight++;
      void run(queue.splice(0, maxBatch));
    }
  };

  return (item) =>
    new Promise<Result>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      pump();
    });
};
