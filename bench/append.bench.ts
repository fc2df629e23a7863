/**
 * `npm run bench:append` — the event store's append paths against raw Postgres on the same server,
 * in one run (the machine is shared and noisy, so only same-run ratios mean anything).
 *
 * Raw baselines, into tables cloned from eventstore.events (same columns, indexes, jsonb payloads):
 * single-row INSERT commits by one writer and by N concurrent writers, multi-row INSERTs of B rows,
 * and COPY of B rows. Then the store: single-event appends by one writer, by N writers (each its own
 * stream), and B-event batches. Every pair runs in alternating order over the rounds to cancel drift.
 *
 * Env: PINGGAI_BENCH_PG_URL (or PINGGAI_TEST_PG_URL) = a Postgres server; BENCH_ROUNDS, BENCH_SINGLE_OPS,
 * BENCH_WRITERS, BENCH_CONCURRENT_OPS (per writer), BENCH_BATCHES, BENCH_BATCH_SIZE, BENCH_WARMUP_PCT,
 * BENCH_KEEP_DB=1 to keep the run's database. The last line of output is one JSON object.
 */
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import * as v from 'valibot';
import { createPgEventStore } from '../core/eventstore/pg.ts';
import type { EventStore } from '../core/eventstore/types.ts';
import { createBenchDatabase } from './support/database.ts';
import type { RawTable } from './support/database.ts';
import { EVENT_COLUMNS, copyLine, eventRow, ratingEvent } from './support/events.ts';
import type { Operation } from './support/runner.ts';
import { measure } from './support/runner.ts';
import type { Sample, Summary } from './support/stats.ts';
import { round, summarise } from './support/stats.ts';

const count = (fallback: number, min = 1) =>
  v.optional(
    v.pipe(v.string(), v.transform(Number), v.number('must be a number'), v.integer('must be a whole number'), v.minValue(min)),
    String(fallback),
  );

const envSchema = v.object({
  PINGGAI_BENCH_PG_URL: v.optional(v.pipe(v.string(), v.url())),
  PINGGAI_TEST_PG_URL: v.optional(v.pipe(v.string(), v.url())),
  BENCH_ROUNDS: count(2),
  BENCH_SINGLE_OPS: count(1500),
  BENCH_WRITERS: count(16),
  BENCH_CONCURRENT_OPS: count(150),
  BENCH_BATCHES: count(60),
  BENCH_BATCH_SIZE: count(100),
  BENCH_WARMUP_PCT: count(10, 0),
  BENCH_KEEP_DB: v.optional(v.string()),
});

const parsedEnv = v.safeParse(
  envSchema,
  Object.fromEntries(Object.entries(process.env).filter(([, value]) => value !== undefined && value !== '')),
);
if (!parsedEnv.success) {
  const issue = parsedEnv.issues[0]!;
  console.error(`bench:append: ${v.getDotPath(issue) ?? 'environment'} ${issue.message}`);
  process.exit(2);
}
const env = parsedEnv.output;
const serverUrl = env.PINGGAI_BENCH_PG_URL ?? env.PINGGAI_TEST_PG_URL;
if (!serverUrl) {
  console.error(
    'bench:append needs a Postgres server and starts none itself: set PINGGAI_BENCH_PG_URL (or PINGGAI_TEST_PG_URL), ' +
      'e.g. PINGGAI_BENCH_PG_URL=postgres://postgres@127.0.0.1:55432/postgres npm run bench:append',
  );
  process.exit(2);
}

const rounds = env.BENCH_ROUNDS;
const writers = env.BENCH_WRITERS;
const batchSize = env.BENCH_BATCH_SIZE;
const warmup = (ops: number) => Math.ceil((ops * env.BENCH_WARMUP_PCT) / 100);
const log = (line: string) => console.log(`[bench] ${line}`);

const database = await createBenchDatabase(serverUrl);
log(`fresh database ${database.name} on ${new URL(serverUrl).host}, migrated; baseline tables cloned from eventstore.events`);
const pool = new pg.Pool({ connectionString: database.url, max: writers + 2, application_name: 'pinggai-bench-raw' });
pool.on('error', (error) => console.warn(`[bench] idle baseline connection lost: ${error.message}`));
// No LISTEN connection: nothing subscribes here. Appends still announce themselves as in production.
const store: EventStore = createPgEventStore({ connectionString: database.url, poolSize: writers + 4, listen: false });

const cleanUp = async () => {
  await store.close().catch(() => undefined);
  await pool.end().catch(() => undefined);
  if (env.BENCH_KEEP_DB) log(`kept database ${database.name}`);
  else await database.drop();
};
process.once('SIGINT', () => {
  void cleanUp().finally(() => process.exit(130));
});

const insertSql = (table: RawTable, rows: number) => {
  const width = EVENT_COLUMNS.length;
  const tuples = Array.from({ length: rows }, (_, r) => `(${EVENT_COLUMNS.map((_, c) => `$${r * width + c + 1}`).join(', ')})`);
  return `insert into bench.${table} (${EVENT_COLUMNS.join(', ')}) values ${tuples.join(', ')}`;
};
const singleInsert = { raw_single: insertSql('raw_single', 1), raw_concurrent: insertSql('raw_concurrent', 1) };
const multiInsert = insertSql('raw_multirow', batchSize);

const rawSingle =
  (table: 'raw_single' | 'raw_concurrent'): Operation =>
  async (writer, index) => {
    const streamId = `rating-w${writer}`;
    await pool.query(singleInsert[table], eventRow(streamId, index + 1, ratingEvent(writer, index)));
    return 1;
  };

const rawMultirow: Operation = async (writer, index) => {
  const streamId = `rating-w${writer}`;
  const params = Array.from({ length: batchSize }, (_, i) => eventRow(streamId, index * batchSize + i + 1, ratingEvent(writer, i))).flat();
  await pool.query(multiInsert, params);
  return batchSize;
};

const rawCopy: Operation = async (writer, index) => {
  const streamId = `rating-w${writer}`;
  const lines = Array.from({ length: batchSize }, (_, i) => copyLine(eventRow(streamId, index * batchSize + i + 1, ratingEvent(writer, i))));
  const client = await pool.connect();
  try {
    await pipeline(Readable.from([lines.join('')]), client.query(copyFrom(`copy bench.raw_copy (${EVENT_COLUMNS.join(', ')}) from stdin`)));
  } finally {
    client.release();
  }
  return batchSize;
};

const storeSingle: Operation = async (writer, index) => {
  await store.append(`rating-w${writer}`, [ratingEvent(writer, index)], { expectedVersion: index === 0 ? 'no_stream' : index });
  return 1;
};

const storeBatch: Operation = async (writer, index) => {
  const events = Array.from({ length: batchSize }, (_, i) => ratingEvent(writer, i));
  await store.append(`rating-w${writer}`, events, { expectedVersion: index === 0 ? 'no_stream' : index * batchSize });
  return batchSize;
};

/** Each measurement starts from an empty table, so the pairs compare like with like. */
const truncate = (table: string) => pool.query(`truncate ${table} restart identity`);

interface Pair {
  readonly label: string;
  readonly raw: { label: string; table: RawTable; writers: number; ops: number; operation: Operation };
  readonly store: { label: string; writers: number; ops: number; operation: Operation };
}

const pairs: Pair[] = [
  {
    label: 'single',
    raw: { label: 'raw single-row INSERT commit, 1 writer', table: 'raw_single', writers: 1, ops: env.BENCH_SINGLE_OPS, operation: rawSingle('raw_single') },
    store: { label: 'store append 1 event, 1 writer', writers: 1, ops: env.BENCH_SINGLE_OPS, operation: storeSingle },
  },
  {
    label: 'concurrent',
    raw: {
      label: `raw single-row INSERT commit, ${writers} writers`,
      table: 'raw_concurrent',
      writers,
      ops: env.BENCH_CONCURRENT_OPS,
      operation: rawSingle('raw_concurrent'),
    },
    store: { label: `store append 1 event, ${writers} writers (own streams)`, writers, ops: env.BENCH_CONCURRENT_OPS, operation: storeSingle },
  },
  {
    label: 'batch',
    raw: { label: `raw multi-row INSERT of ${batchSize} rows`, table: 'raw_multirow', writers: 1, ops: env.BENCH_BATCHES, operation: rawMultirow },
    store: { label: `store append ${batchSize}-event batch, 1 writer`, writers: 1, ops: env.BENCH_BATCHES, operation: storeBatch },
  },
];
const copyPhase = { label: `raw COPY of ${batchSize} rows`, table: 'raw_copy' as const, writers: 1, ops: env.BENCH_BATCHES, operation: rawCopy };

const samples = new Map<string, Sample[]>();
const record = (label: string, sample: Sample) => samples.set(label, [...(samples.get(label) ?? []), sample]);

const run = async (
  round: number,
  phase: { label: string; writers: number; ops: number; operation: Operation },
  table: string,
): Promise<void> => {
  await truncate(table);
  const sample = await measure({ writers: phase.writers, opsPerWriter: phase.ops, warmupOpsPerWriter: warmup(phase.ops), operation: phase.operation });
  record(phase.label, sample);
  log(
    `round ${round + 1}/${rounds}  ${phase.label.padEnd(48)} ${String(sample.ops).padStart(6)} ops  ${String(sample.rows).padStart(7)} rows  ${sample.elapsedMs.toFixed(0).padStart(6)} ms`,
  );
};

const started = performance.now();
let failed: unknown = null;
try {
  const { rows } = await pool.query<{ server_version: string }>('show server_version');
  log(`server ${rows[0]?.server_version ?? '?'}; ${rounds} rounds, warm-up ${env.BENCH_WARMUP_PCT}% of each phase`);
  for (let r = 0; r < rounds; r++) {
    for (const pair of pairs) {
      // Alternate which side goes first, so drift on a shared machine does not favour one side.
      const rawFirst = r % 2 === 0;
      if (rawFirst) await run(r, pair.raw, `bench.${pair.raw.table}`);
      await run(r, pair.store, 'eventstore.events');
      if (!rawFirst) await run(r, pair.raw, `bench.${pair.raw.table}`);
    }
    await run(r, copyPhase, `bench.${copyPhase.table}`);
  }
} catch (error) {
  failed = error;
} finally {
  await cleanUp();
}
if (failed) {
  console.error('bench:append failed:', failed);
  process.exit(1);
}

const result = (label: string): Summary => summarise(samples.get(label)!);
const [single, concurrent, batch] = pairs.map((pair) => ({ raw: result(pair.raw.label), store: result(pair.store.label) }));
const copy = result(copyPhase.label);

const table: [string, Summary][] = [
  ...pairs.flatMap((pair): [string, Summary][] => [
    [pair.raw.label, result(pair.raw.label)],
    [pair.store.label, result(pair.store.label)],
  ]),
  [copyPhase.label, copy],
];
console.log('');
console.log(`${'measurement'.padEnd(52)} ${'ops/s'.padStart(9)} ${'rows/s'.padStart(9)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)}`);
for (const [label, s] of table) {
  console.log(
    `${label.padEnd(52)} ${s.opsPerSec.toFixed(0).padStart(9)} ${s.rowsPerSec.toFixed(0).padStart(9)} ${s.p50Ms.toFixed(3).padStart(8)} ${s.p99Ms.toFixed(3).padStart(8)}`,
  );
}

// Every ratio is store ÷ raw in "bigger is better" terms, so 1.0 means "as good as raw Postgres":
// - single_vs_raw_commit: latency, raw p50 ÷ store p50 (target ≥ 0.8, i.e. store p50 within 1.25× of raw)
// - concurrent16_vs_raw16: throughput, store events/s ÷ raw commits/s with N writers (target ≥ 0.5)
// - batch100_vs_raw_multirow: throughput, store events/s ÷ raw multi-row INSERT rows/s (target ≥ 0.3)
// - batch100_vs_raw_copy: throughput, store events/s ÷ raw COPY rows/s (no target; COPY is the ceiling)
const ratios = {
  single_vs_raw_commit: single!.raw.p50Ms / single!.store.p50Ms,
  concurrent16_vs_raw16: concurrent!.store.rowsPerSec / concurrent!.raw.rowsPerSec,
  batch100_vs_raw_multirow: batch!.store.rowsPerSec / batch!.raw.rowsPerSec,
  batch100_vs_raw_copy: batch!.store.rowsPerSec / copy.rowsPerSec,
  single_p99_vs_raw_commit_p99: single!.raw.p99Ms / single!.store.p99Ms,
};
const targets = { single_vs_raw_commit: 0.8, concurrent16_vs_raw16: 0.5, batch100_vs_raw_multirow: 0.3 };
console.log('');
for (const [name, target] of Object.entries(targets)) {
  const value = ratios[name as keyof typeof targets];
  console.log(`${name.padEnd(28)} ${value.toFixed(3).padStart(7)}  target ≥ ${target}  ${value >= target ? 'met' : 'NOT met'}`);
}
log(`done in ${((performance.now() - started) / 1000).toFixed(1)} s`);

console.log(
  JSON.stringify({
    bench: 'append',
    ...Object.fromEntries(Object.entries(ratios).map(([key, value]) => [key, round(value)])),
    targets_met: Object.fromEntries(Object.entries(targets).map(([key, target]) => [key, ratios[key as keyof typeof targets] >= target])),
    raw_single_p50_ms: round(single!.raw.p50Ms),
    raw_single_p99_ms: round(single!.raw.p99Ms),
    raw_single_commits_per_s: round(single!.raw.opsPerSec, 1),
    raw16_commits_per_s: round(concurrent!.raw.opsPerSec, 1),
    raw16_p50_ms: round(concurrent!.raw.p50Ms),
    raw16_p99_ms: round(concurrent!.raw.p99Ms),
    raw_multirow_rows_per_s: round(batch!.raw.rowsPerSec, 1),
    raw_copy_rows_per_s: round(copy.rowsPerSec, 1),
    store_single_p50_ms: round(single!.store.p50Ms),
    store_single_p99_ms: round(single!.store.p99Ms),
    store_single_events_per_s: round(single!.store.opsPerSec, 1),
    store16_events_per_s: round(concurrent!.store.rowsPerSec, 1),
    store16_p50_ms: round(concurrent!.store.p50Ms),
    store16_p99_ms: round(concurrent!.store.p99Ms),
    store_batch100_events_per_s: round(batch!.store.rowsPerSec, 1),
    writers,
    batch_size: batchSize,
    rounds,
  }),
);
