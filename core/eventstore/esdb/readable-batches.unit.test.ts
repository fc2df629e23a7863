import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readableBatches } from './readable-batches.ts';

const collect = async <T>(iterable: AsyncIterable<T>): Promise<T[]> => {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
};

describe('readableBatches', () => {
  it('groups what is already buffered, in order, never above the maximum', async () => {
    const source = Readable.from(Array.from({ length: 10 }, (_, i) => i), { objectMode: true });
    const batches = await collect(readableBatches<number>(source, 4));
    expect(batches.flat()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(Math.max(...batches.map((batch) => batch.length))).toBeLessThanOrEqual(4);
  });

  it('hands over a lone event without waiting for a batch to fill', async () => {
    const source = new PassThrough({ objectMode: true });
    const iterator = readableBatches<string>(source, 100)[Symbol.asyncIterator]();
    source.write('first');
    expect((await iterator.next()).value).toEqual(['first']);
    source.write('second');
    source.write('third');
    await new Promise((resolve) => setImmediate(resolve));
    expect((await iterator.next()).value).toEqual(['second', 'third']);
    source.end();
    expect((await iterator.next()).done).toBe(true);
  });

  it('ends with the error of a destroyed stream', async () => {
    const source = new PassThrough({ objectMode: true });
    const pending = collect(readableBatches<string>(source, 10));
    source.destroy(new Error('connection reset'));
    await expect(pending).rejects.toThrow('connection reset');
  });

  it('refuses a batch size below 1', async () => {
    await expect(collect(readableBatches(Readable.from([1]), 0))).rejects.toThrow(/positive integer/);
  });
});
