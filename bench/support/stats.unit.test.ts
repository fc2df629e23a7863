import { describe, expect, it } from 'vitest';
import { percentile, summarise } from './stats.ts';

describe('bench statistics', () => {
  it('takes nearest-rank percentiles', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile(values, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
  });

  it('merges rounds: throughput over summed time, percentiles over all latencies', () => {
    const summary = summarise([
      { ops: 10, rows: 1000, elapsedMs: 500, latenciesMs: [1, 2, 3] },
      { ops: 10, rows: 1000, elapsedMs: 1500, latenciesMs: [4, 5, 6, 7] },
    ]);
    expect(summary).toMatchObject({ ops: 20, rows: 2000, opsPerSec: 10, rowsPerSec: 1000, p50Ms: 4, p99Ms: 7 });
  });
});
