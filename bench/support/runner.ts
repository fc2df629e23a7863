import type { Sample } from './stats.ts';

/** One operation of writer `writer`; `index` counts that writer's operations from 0. Returns rows written. */
export type Operation = (writer: number, index: number) => Promise<number>;

export interface Workload {
  readonly writers: number;
  readonly opsPerWriter: number;
  /** Untimed operations per writer first (connections, plans and caches warm). */
  readonly warmupOpsPerWriter: number;
  readonly operation: Operation;
}

const runWriters = async (writers: number, from: number, count: number, operation: Operation, latencies: number[] | null) => {
  let rows = 0;
  await Promise.all(
    Array.from({ length: writers }, async (_, writer) => {
      for (let i = from; i < from + count; i++) {
        const started = performance.now();
        const written = await operation(writer, i);
        latencies?.push(performance.now() - started);
        rows += written; // added after the await: `rows += await …` would lose concurrent updates
      }
    }),
  );
  return rows;
};

/** Warm up, then time `writers` concurrent loops (each operation awaited before the writer's next). */
export const measure = async (workload: Workload): Promise<Sample> => {
  const { writers, opsPerWriter, warmupOpsPerWriter, operation } = workload;
  await runWriters(writers, 0, warmupOpsPerWriter, operation, null);
  const latenciesMs: number[] = [];
  const started = performance.now();
  const rows = await runWriters(writers, warmupOpsPerWriter, opsPerWriter, operation, latenciesMs);
  return { ops: writers * opsPerWriter, rows, elapsedMs: performance.now() - started, latenciesMs };
};
