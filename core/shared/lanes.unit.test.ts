import { describe, expect, it } from 'vitest';
import { inLanes } from './lanes.ts';

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

describe('inLanes', () => {
  it('does every item, never more than `lanes` at once, each with its index', async () => {
    let running = 0;
    let most = 0;
    const seen: [string, number][] = [];
    await inLanes(['a', 'b', 'c', 'd', 'e', 'f', 'g'], 3, async (item, index) => {
      most = Math.max(most, ++running);
      await tick();
      seen.push([item, index]);
      running--;
    });
    expect(most).toBe(3);
    expect(seen.sort((x, y) => x[1] - y[1])).toEqual([['a', 0], ['b', 1], ['c', 2], ['d', 3], ['e', 4], ['f', 5], ['g', 6]]);
  });

  it('starts nothing after a failure, lets the work under way end, then throws the failure', async () => {
    const started: number[] = [];
    const ended: number[] = [];
    const run = inLanes([0, 1, 2, 3, 4, 5], 2, async (item) => {
      started.push(item);
      await tick();
      if (item === 1) throw new Error('item 1 failed');
      await tick();
      ended.push(item);
    });
    await expect(run).rejects.toThrow('item 1 failed');
    expect(started).toEqual([0, 1]);
    expect(ended).toEqual([0]);
  });

  it('does nothing for no items, and takes at least one lane (also for 0 or NaN)', async () => {
    await inLanes([], 4, async () => {
      throw new Error('not called');
    });
    const done: number[] = [];
    await inLanes([1, 2], 0, async (item) => void done.push(item));
    await inLanes([3], Number.NaN, async (item) => void done.push(item));
    expect(done).toEqual([1, 2, 3]);
  });
});
