import { describe, expect, it } from 'vitest';
import { createBatcher } from './batcher.ts';

/** A flush that records its batches and finishes when told to. */
const controlledFlush = () => {
  const batches: number[][] = [];
  const pending: (() => void)[] = [];
  const flush = (items: readonly number[]) => {
    batches.push([...items]);
    return new Promise<number[]>((resolve, reject) => {
      pending.push(() => (items.includes(-1) ? reject(new Error('flush failed')) : resolve(items.map((item) => item * 10))));
    });
  };
  const finishOldest = async () => {
    pending.shift()!();
    await new Promise((resolve) => setTimeout(resolve, 0));
  };
  return { flush, batches, finishOldest, inFlight: () => pending.length };
};

describe('createBatcher', () => {
  it('sends an item alone when nothing is in flight, and gathers what arrives meanwhile into the next flush', async () => {
    const { flush, batches, finishOldest } = controlledFlush();
    const submit = createBatcher(flush, { concurrency: 1, maxBatch: 100 });
    const first = submit(1);
    const rest = [2, 3, 4].map(submit);
    expect(batches).toEqual([[1]]);
    await finishOldest();
    expect(batches).toEqual([[1], [2, 3, 4]]);
    await finishOldest();
    expect(await first).toBe(10);
    expect(await Promise.all(rest)).toEqual([20, 30, 40]);
  });

  it('keeps at most `concurrency` flushes in flight and at most `maxBatch` items in one', async () => {
    const { flush, batches, finishOldest, inFlight } = controlledFlush();
    const submit = createBatcher(flush, { concurrency: 2, maxBatch: 3 });
    const all = Promise.all([1, 2, 3, 4, 5, 6, 7, 8].map(submit));
    expect(batches).toEqual([[1], [2]]);
    expect(inFlight()).toBe(2);
    await finishOldest();
    expect(batches).toEqual([[1], [2], [3, 4, 5]]);
    await finishOldest();
    await finishOldest();
    await finishOldest();
    expect(batches).toEqual([[1], [2], [3, 4, 5], [6, 7, 8]]);
    expect(await all).toEqual([10, 20, 30, 40, 50, 60, 70, 80]);
  });

  it('rejects only the items of a flush that failed; the next flush goes on', async () => {
    const { flush, finishOldest } = controlledFlush();
    const submit = createBatcher(flush, { concurrency: 1, maxBatch: 100 });
    const first = submit(1);
    const failing = Promise.allSettled([submit(-1), submit(2)]);
    await finishOldest();
    const later = submit(3);
    await finishOldest();
    await finishOldest();
    expect(await first).toBe(10);
    for (const outcome of await failing) expect(outcome).toMatchObject({ status: 'rejected', reason: { message: 'flush failed' } });
    expect(await later).toBe(30);
  });

  it('refuses a flush that answers with the wrong number of results', async () => {
    const submit = createBatcher(async () => [], { concurrency: 1, maxBatch: 10 });
    await expect(submit(1)).rejects.toThrow('batch of 1 answered with 0 results');
  });
});
