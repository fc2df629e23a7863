/** Nearest-rank percentile of an ascending array (p in 0..100). */
export const percentile = (sorted: readonly number[], p: number): number => {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
};

export interface Sample {
  /** Operations done (commits, append calls, COPY statements). */
  readonly ops: number;
  /** Rows or events written by those operations. */
  readonly rows: number;
  readonly elapsedMs: number;
  /** Latency of each operation, ms. */
  readonly latenciesMs: readonly number[];
}

export interface Summary {
  readonly ops: number;
  readonly rows: number;
  readonly opsPerSec: number;
  readonly rowsPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

/** Merges the rounds of one measurement: throughput over the summed time, percentiles over all latencies. */
export const summarise = (samples: readonly Sample[]): Summary => {
  const ops = samples.reduce((sum, s) => sum + s.ops, 0);
  const rows = samples.reduce((sum, s) => sum + s.rows, 0);
  const seconds = samples.reduce((sum, s) => sum + s.elapsedMs, 0) / 1000;
  const latencies = samples.flatMap((s) => s.latenciesMs).sort((a, b) => a - b);
  return {
    ops,
    rows,
    opsPerSec: seconds > 0 ? ops / seconds : Number.NaN,
    rowsPerSec: seconds > 0 ? rows / seconds : Number.NaN,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
  };
};

export const round = (value: number, digits = 3): number => Number(value.toFixed(digits));
