/**
 * `npm run bench:projections` — the read side at scale: rebuilding the read models from the log
 * against a raw keyset scan of the same log, and the dashboard's queries, in one run per size.
 *
 * For each size (events in the log): a fresh migrated database on the server, loaded with COPY
 * straight into eventstore.events with the facts the intake and the case feed append (CaseRegistered,
 * CaseCompleted, InvitationIssued/Opened/Expired, EvaluationSubmitted, and the warnings raised on
 * negative ratings), spread over 12 months of 2025 and 24 departments × 8 matters × 3 halls × 72
 * windows × 144 staff × 3 channels. Then, in the same run:
 *  1. the baseline: a raw keyset scan of the whole log ((transaction_id, global_position) > … order by
 *     … limit B, the columns the store reads), events/s;
 *  2. the real blue/green rebuild (projections/runtime/rebuild.ts) of the ratings and warnings
 *     projections into a new version, swapped in; events/s and its ratio to the raw scan;
 *  3. every query the dashboard page calls (console/server/read-side/dashboards.ts) and the drill-down
 *     lists, for a district month / quarter / year, one department, one staff member: p50/p95 per query.
 *
 * Env: PINGGAI_BENCH_PG_URL (or PINGGAI_TEST_PG_URL) = a Postgres server; BENCH_SIZES (events,
 * default 1000000,10000000), BENCH_BATCH (rebuild and scan batch, 2000), BENCH_QUERY_RUNS (30),
 * BENCH_KEEP_DB=1 keeps the databases. Progress goes to stdout; the last line is one JSON object.
 */
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import * as v from 'valibot';
import { dashboardQueries } from '../console/server/read-side/dashboards.ts';
import { caseSchemaVersions } from '../core/case/events.ts';
import type { CaseEvent } from '../core/case/events.ts';
import { createPgPool, postgresKysely } from '../core/db/postgres.ts';
import { createPgEventStore } from '../core/eventstore/pg.ts';
import { invitationSchemaVersions } from '../core/invitation/events.ts';
import type { InvitationEvent } from '../core/invitation/events.ts';
import type { InvitationChannel, RatingSubject } from '../core/invitation/types.ts';
import type { SatisfactionLevel } from '../core/questionnaire/types.ts';
import type { WarningEvent } from '../core/warning/events.ts';
import { warningSchemaVersions } from '../core/warning/events.ts';
import { ratingList } from '../projections/queries/ratings.ts';
import type { RatingFilter } from '../projections/queries/filters.ts';
import { ratingsProjection } from '../projections/ratings/projection.ts';
import { rebuildProjection } from '../projections/runtime/rebuild.ts';
import type { RebuildProgress } from '../projections/runtime/rebuild.ts';
import {
  caseCompleted,
  caseDetails,
  caseRegistered,
  evaluationSubmitted,
  invitationExpired,
  invitationIssued,
  invitationOpened,
  rectifiedWarning,
} from '../projections/testing/events.ts';
import { warningsProjection } from '../projections/warnings/projection.ts';
import { createBenchDatabase } from './support/database.ts';
import { copyLine } from './support/events.ts';
import { percentile, round } from './support/stats.ts';

const count = (fallback: number, min = 1) =>
  v.optional(
    v.pipe(v.string(), v.transform(Number), v.number('must be a number'), v.integer('must be a whole number'), v.minValue(min)),
    String(fallback),
  );
const envSchema = v.object({
  PINGGAI_BENCH_PG_URL: v.optional(v.pipe(v.string(), v.url())),
  PINGGAI_TEST_PG_URL: v.optional(v.pipe(v.string(), v.url())),
  BENCH_SIZES: v.optional(
    v.pipe(
      v.string(),
      v.regex(/^\d+(,\d+)*$/, 'must be event counts separated by commas'),
      v.transform((text) => text.split(',').map(Number)),
    ),
    '1000000,10000000',
  ),
  BENCH_BATCH: count(2000),
  BENCH_QUERY_RUNS: count(30),
  BENCH_KEEP_DB: v.optional(v.string()),
});
const parsedEnv = v.safeParse(
  envSchema,
  Object.fromEntries(Object.entries(process.env).filter(([, value]) => value !== undefined && value !== '')),
);
if (!parsedEnv.success) {
  const issue = parsedEnv.issues[0]!;
  console.error(`bench:projections: ${v.getDotPath(issue) ?? 'environment'} ${issue.message}`);
  process.exit(2);
}
const env = parsedEnv.output;
const serverUrl = env.PINGGAI_BENCH_PG_URL ?? env.PINGGAI_TEST_PG_URL;
if (!serverUrl) {
  console.error(
    'bench:projections needs a Postgres server and starts none itself: set PINGGAI_BENCH_PG_URL (or PINGGAI_TEST_PG_URL), ' +
      'e.g. PINGGAI_BENCH_PG_URL=postgres://postgres@127.0.0.1:55432/postgres npm run bench:projections',
  );
  process.exit(2);
}
const log = (line: string) => console.log(`[bench] ${line}`);
const seconds = (ms: number) => `${(ms / 1000).toFixed(0)} s`;

// ---------------------------------------------------------------------------------------------
// The district: deterministic, so every run loads the same log.

/** mulberry32: a small seeded generator, so the data set is the same on every run. */
const seeded = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

const DEPARTMENT_NAMES = [
  '区市场监督管理局', '区人力资源和社会保障局', '区医疗保障局', '区住房和城乡建设局', '区自然资源和规划局', '区公安分局',
  '区民政局', '区卫生健康局', '区教育局', '区交通运输局', '区税务局', '区不动产登记中心',
  '区生态环境分局', '区城市管理执法局', '区农业农村局', '区文化和旅游局', '区应急管理局', '区水利和湖泊局',
  '区退役军人事务局', '区财政局', '区商务局', '区司法局', '区公积金中心', '区残疾人联合会',
];
const HALLS = [
  { code: 'H-SMZJ', name: '市民之家' },
  { code: 'H-BDC', name: '不动产交易中心' },
  { code: 'H-SB', name: '社保服务中心' },
];
const MATTER_TYPES = ['行政许可', '行政确认', '公共服务', '行政给付', '其他行政权力'];
const REASONS = ['waiting_time', 'unclear_guidance', 'attitude', 'repeated_visits', 'materials', 'system_down'];
const VARIANTS: readonly (readonly string[])[] = [
  ['SM01', 'SM03', 'PC01'],
  ['SM01', 'SM02', 'PC02'],
  ['SM01', 'PC02', 'RS02'],
  ['SM04', 'PC03', 'RS01'],
];
const COMMENTS = [null, null, null, '办事很快, 工作人员很耐心', '等候时间偏长, 叫号不清楚', '材料要求没有一次性告知, 跑了两趟'];

interface Place {
  readonly department: { code: string; name: string };
  readonly hall: { code: string; name: string };
  readonly window: { code: string; name: string };
  readonly staff: readonly { id: string; displayName: string }[];
}
const departments = DEPARTMENT_NAMES.map((name, d) => ({ code: `D${String(d + 1).padStart(2, '0')}`, name }));
const matters = departments.flatMap((department, d) =>
  Array.from({ length: 8 }, (_, m) => ({
    department: d,
    matter: { code: `M${department.code.slice(1)}${m + 1}`, name: `${department.name.slice(1, 5)}事项${m + 1}`, type: MATTER_TYPES[(d + m) % MATTER_TYPES.length]! },
  })),
);
const places: Place[] = departments.flatMap((department, d) =>
  Array.from({ length: 3 }, (_, w) => {
    const number = d * 3 + w + 1;
    const window = { code: `W-${String(number).padStart(2, '0')}`, name: `${number}号窗口` };
    return {
      department,
      hall: HALLS[(d + w) % HALLS.length]!,
      window,
      staff: [0, 1].map((s) => ({ id: `S-${String(number).padStart(2, '0')}${s + 1}`, displayName: `${number}-${s + 1}号` })),
    };
  }),
);

const YEAR_START = Date.parse('2024-12-31T16:00:00Z'); // 2025-01-01 00:00 Beijing
const DAY_MS = 86_400_000;

interface Row {
  readonly eventId?: string;
  readonly streamId: string;
  readonly version: number;
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: unknown;
  readonly occurredAt: string;
}

const schemaVersions: Record<string, number> = { ...caseSchemaVersions, ...invitationSchemaVersions, ...warningSchemaVersions };
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The facts of unit `i` of `units` (one service encounter): a case with its invitation and, mostly,
 * a rating; a walk-in rating by the hall's static QR code; a warning for some negative ratings.
 */
const unitFacts = (i: number, units: number, random: () => number): { rows: Row[]; ratings: number } => {
  const day = Math.floor((i * 365) / units);
  const hour = 8 + Math.floor(random() * 10);
  const at = YEAR_START + day * DAY_MS + hour * 3_600_000 + Math.floor(random() * 3_600_000);
  const matter = matters[Math.floor(random() * matters.length)]!;
  const place = places[matter.department * 3 + Math.floor(random() * 3)]!;
  const staff = place.staff[Math.floor(random() * 2)]!;
  const roll = random();
  const channel: InvitationChannel = roll < 0.2 ? 'qr_static' : roll < 0.55 ? 'qr_case' : 'sms';
  const r = random();
  const overall = (r < 0.03 ? 1 : r < 0.07 ? 2 : r < 0.15 ? 3 : r < 0.4 ? 4 : 5) as SatisfactionLevel;
  const caseId = channel === 'qr_static' ? null : `hall:C${i}`;
  const subject: RatingSubject = {
    caseId,
    caseNumber: caseId === null ? null : `C${i}`,
    matter: matter.matter,
    department: place.department,
    hall: place.hall,
    window: place.window,
    staff,
    applicantType: random() < 0.7 ? 'natural_person' : 'enterprise',
    enterpriseType: null,
    regionCode: '421202',
    stage: random() < 0.85 ? 'concluded' : random() < 0.5 ? 'accepted' : 'in_progress',
    progress: random() < 0.9 ? 'on_time' : 'overdue',
  } as RatingSubject;
  const rows: Row[] = [];
  const ratingEventId = randomUUID();
  const add = (streamId: string, facts: readonly (CaseEvent | InvitationEvent | WarningEvent)[], when: readonly number[]) =>
    facts.forEach((fact, index) =>
      rows.push({ ...(fact.type === 'EvaluationSubmitted' ? { eventId: ratingEventId } : {}), streamId, version: index + 1, type: fact.type, schemaVersion: schemaVersions[fact.type] ?? 1, data: fact.data, occurredAt: iso(when[index]!) }),
    );
  if (caseId !== null) {
    const registered = at - (1 + Math.floor(random() * 48)) * 3_600_000;
    add(`case-${caseId}`, [caseRegistered(caseId, iso(registered), caseDetails(subject)), caseCompleted(caseId, iso(at - 600_000), 2)], [registered, at - 600_000]);
  }
  const invitationId = `I${i.toString(36).padStart(8, '0')}`;
  const issuedAt = at - 300_000;
  const facts: InvitationEvent[] = [invitationIssued(invitationId, channel, iso(issuedAt), subject)];
  const when = [issuedAt];
  if (channel === 'sms' && random() < 0.85) {
    facts.push(invitationOpened(invitationId, channel, iso(at - 60_000)));
    when.push(at - 60_000);
  }
  const rated = channel !== 'sms' || random() < 0.75;
  let ratings = 0;
  if (rated) {
    const items = VARIANTS[i % VARIANTS.length]!;
    const answers = Object.fromEntries(items.map((code) => [code, Math.max(1, Math.min(5, overall + Math.round(random() * 2 - 1))) as SatisfactionLevel]));
    facts.push(
      evaluationSubmitted(invitationId, iso(at), {
        overall,
        answers,
        reasons: overall <= 3 ? [REASONS[i % REASONS.length]!, ...(random() < 0.3 ? [REASONS[(i + 1) % REASONS.length]!] : [])] : [],
        comment: COMMENTS[Math.floor(random() * COMMENTS.length)] ?? null,
        channel,
        subject,
      }),
    );
    when.push(at);
    ratings = 1;
  } else {
    facts.push(invitationExpired(invitationId, iso(issuedAt + 7 * DAY_MS)));
    when.push(issuedAt + 7 * DAY_MS);
  }
  add(`invitation-${invitationId}`, facts, when);
  if (rated && overall <= 2) {
    const warningId = `WR${i.toString(36)}`;
    const warning = rectifiedWarning(warningId, iso(at + 1000), {
      ratingEventId,
      department: place.department.code,
      matterCode: matter.matter.code,
      windowId: place.window.code,
      ...(caseId ? { caseId } : {}),
    });
    // Most warnings run their whole course; the newest ones of the year are still open.
    const facts = day > 350 ? warning.slice(0, 1 + (i % 4)) : warning;
    add(`warning-${warningId}`, facts, facts.map((fact) => Date.parse((fact.data as { at?: string; raisedAt?: string }).at ?? (fact.data as { raisedAt: string }).raisedAt)));
  }
  return { rows, ratings };
};

/** Events per unit on average (measured once on a sample), to size the log to `events`. */
const eventsPerUnit = (() => {
  const random = seeded(7);
  let events = 0;
  for (let i = 0; i < 20_000; i++) events += unitFacts(i, 20_000, random).rows.length;
  return events / 20_000;
})();

const COLUMNS = 'stream_id, stream_category, stream_version, event_id, event_type, schema_version, data, metadata';

/** COPYs about `target` events into eventstore.events, one transaction per `perTransaction` events. */
const load = async (url: string, target: number): Promise<{ events: number; ratings: number; ms: number }> => {
  const units = Math.max(1, Math.round(target / eventsPerUnit));
  const random = seeded(42);
  const client = new pg.Client({ connectionString: url, application_name: 'pinggai-bench-load' });
  await client.connect();
  await client.query('set synchronous_commit = off');
  const started = performance.now();
  let events = 0;
  let ratings = 0;
  let unit = 0;
  let lastReport = started;
  const perTransaction = 250_000;
  try {
    while (unit < units) {
      async function* lines() {
        let inTransaction = 0;
        while (unit < units && inTransaction < perTransaction) {
          const chunk: string[] = [];
          for (let n = 0; n < 500 && unit < units; n++, unit++) {
            const facts = unitFacts(unit, units, random);
            ratings += facts.ratings;
            for (const row of facts.rows) {
              const category = row.streamId.slice(0, row.streamId.indexOf('-'));
              chunk.push(
                copyLine([
                  row.streamId,
                  category,
                  row.version,
                  row.eventId ?? randomUUID(),
                  row.type,
                  row.schemaVersion,
                  JSON.stringify(row.data),
                  JSON.stringify({ occurredAt: row.occurredAt, correlationId: randomUUID(), actor: { id: 'bench', role: 'system' } }),
                ]),
              );
            }
          }
          events += chunk.length;
          inTransaction += chunk.length;
          const now = performance.now();
          if (now - lastReport > 5_000) {
            lastReport = now;
            const rate = events / ((now - started) / 1000);
            log(`load ${events.toLocaleString('en')} / ~${target.toLocaleString('en')} events  ${rate.toFixed(0)} events/s  ETA ${seconds(((target - events) / rate) * 1000)}`);
          }
          yield chunk.join('');
        }
      }
      await pipeline(Readable.from(lines()), client.query(copyFrom(`copy eventstore.events (${COLUMNS}) from stdin`)));
    }
    await client.query('analyze eventstore.events');
  } finally {
    await client.end();
  }
  return { events, ratings, ms: performance.now() - started };
};

/** The baseline: the store's own read (same columns, same keyset order) over the whole log, raw. */
const rawScan = async (url: string, batch: number, total: number): Promise<{ events: number; ms: number }> => {
  const client = new pg.Client({ connectionString: url, application_name: 'pinggai-bench-scan' });
  await client.connect();
  const started = performance.now();
  let events = 0;
  let after = { transactionId: '0', globalPosition: '0' };
  let lastReport = started;
  try {
    for (;;) {
      const { rows } = await client.query<{ global_position: string; transaction_id: string }>(
        `select global_position::text as global_position, transaction_id::text as transaction_id,
                stream_id, stream_version, event_id::text as event_id, event_type, schema_version, data, metadata,
                to_json(recorded_at) #>> '{}' as recorded_at
         from eventstore.events
         where (transaction_id, global_position) > ($1::xid8, $2::bigint)
           and transaction_id < pg_snapshot_xmin(pg_current_snapshot())
         order by events.transaction_id, events.global_position
         limit $3`,
        [after.transactionId, after.globalPosition, batch],
      );
      const last = rows[rows.length - 1];
      if (!last) break;
      events += rows.length;
      after = { transactionId: last.transaction_id, globalPosition: last.global_position };
      if (performance.now() - lastReport > 5_000) {
        lastReport = performance.now();
        log(`raw scan ${((100 * events) / total).toFixed(1)}%  ${(events / ((lastReport - started) / 1000)).toFixed(0)} events/s`);
      }
    }
  } finally {
    await client.end();
  }
  return { events, ms: performance.now() - started };
};

// ---------------------------------------------------------------------------------------------
// The dashboard page's queries.

interface Scenario {
  readonly name: string;
  readonly filter: RatingFilter;
  readonly period: 'day' | 'week' | 'month';
  readonly by: 'department' | 'window' | 'matter';
}
const scenarios: Scenario[] = [
  { name: 'district month', filter: { from: '2025-11-01', to: '2025-11-30' }, period: 'day', by: 'department' },
  { name: 'district quarter', filter: { from: '2025-10-01', to: '2025-12-31' }, period: 'week', by: 'department' },
  { name: 'district year', filter: { from: '2025-01-01', to: '2025-12-31' }, period: 'month', by: 'department' },
  { name: 'district year, online', filter: { from: '2025-01-01', to: '2025-12-31', channelGroup: 'online' }, period: 'month', by: 'matter' },
  { name: 'department month', filter: { from: '2025-11-01', to: '2025-11-30', department: 'D05' }, period: 'day', by: 'window' },
  { name: 'department year', filter: { from: '2025-01-01', to: '2025-12-31', department: 'D05' }, period: 'month', by: 'matter' },
  { name: 'staff year', filter: { from: '2025-01-01', to: '2025-12-31', staff: 'S-131' }, period: 'month', by: 'matter' },
];

type Timed = { readonly scenario: string; readonly query: string; readonly p50: number; readonly p95: number; readonly runs: number };

const timeQueries = async (url: string, runs: number): Promise<Timed[]> => {
  const db = postgresKysely<unknown>(createPgPool({ connectionString: url, max: 2, applicationName: 'pinggai-bench-queries' }));
  const queries = dashboardQueries(db, { now: () => new Date('2025-12-31T08:00:00Z') });
  const results: Timed[] = [];
  try {
    for (const scenario of scenarios) {
      const { filter } = scenario;
      const calls: [string, () => Promise<unknown>][] = [
        ['ratingSummary', () => queries.ratingSummary(filter)],
        [`ratingRollup period=${scenario.period}`, () => queries.ratingRollup({ filter, period: scenario.period })],
        [`ratingRollup by=${scenario.by}`, () => queries.ratingRollup({ filter, by: scenario.by })],
        ['unratedCases', () => queries.unratedCases(filter)],
        ['indicatorScores', () => queries.indicatorScores(filter)],
        ['responseFunnel by=channelGroup', () => queries.responseFunnel({ filter, by: 'channelGroup' })],
        ['responseFunnel by=channel', () => queries.responseFunnel({ filter, by: 'channel' })],
        ['heatmap', () => queries.heatmap(filter)],
        ['warningDashboard', () => queries.warningDashboard(filter)],
        ['ratingList page 1', () => ratingList(db, { filter, limit: 50, offset: 0 })],
        ['ratingList negative page 5', () => ratingList(db, { filter, negativeOnly: true, limit: 50, offset: 200 })],
        ['ratingList level=1 page 2', () => ratingList(db, { filter, drill: { level: 1 }, limit: 50, offset: 50 })],
      ];
      for (const [query, call] of calls) {
        await call();
        const first = performance.now();
        await call();
        // A query far over budget is timed fewer times, so the run ends; its p95 is still reported.
        const times = [performance.now() - first];
        const n = times[0]! > 1_000 ? Math.min(runs, 5) : runs;
        for (let k = 1; k < n; k++) {
          const start = performance.now();
          await call();
          times.push(performance.now() - start);
        }
        times.sort((a, b) => a - b);
        const timed = { scenario: scenario.name, query, p50: percentile(times, 50), p95: percentile(times, 95), runs: n };
        results.push(timed);
        log(`${scenario.name.padEnd(22)} ${query.padEnd(32)} p50 ${timed.p50.toFixed(1).padStart(7)} ms  p95 ${timed.p95.toFixed(1).padStart(7)} ms`);
      }
    }
  } finally {
    await db.destroy();
  }
  return results;
};

// ---------------------------------------------------------------------------------------------

interface SizeResult {
  readonly size: number;
  readonly events: number;
  readonly ratings: number;
  readonly loadEventsPerS: number;
  readonly rawScanEventsPerS: number;
  readonly rebuildEventsPerS: number;
  readonly dashboardP95Ms: number;
  readonly worst: Timed;
}

const runSize = async (size: number): Promise<SizeResult> => {
  log(`── ${size.toLocaleString('en')} events ──`);
  const database = await createBenchDatabase(serverUrl);
  log(`fresh database ${database.name} on ${new URL(serverUrl).host}, migrated`);
  const store = createPgEventStore({ connectionString: database.url, listen: false, poolSize: 2 });
  const db = postgresKysely<unknown>(createPgPool({ connectionString: database.url, max: 2, applicationName: 'pinggai-bench-rebuild' }));
  try {
    const loaded = await load(database.url, size);
    log(`loaded ${loaded.events.toLocaleString('en')} events (${loaded.ratings.toLocaleString('en')} ratings) in ${seconds(loaded.ms)}, ${(loaded.events / (loaded.ms / 1000)).toFixed(0)} events/s (COPY)`);

    const scan = await rawScan(database.url, env.BENCH_BATCH, loaded.events);
    const rawRate = scan.events / (scan.ms / 1000);
    log(`raw keyset scan: ${scan.events.toLocaleString('en')} events in ${seconds(scan.ms)}, ${rawRate.toFixed(0)} events/s (batch ${env.BENCH_BATCH})`);

    let rebuilt = 0;
    let rebuildMs = 0;
    for (const projection of [ratingsProjection, warningsProjection]) {
      const next = { ...projection, version: projection.version + 1 };
      const result = await rebuildProjection({ store, db }, next, {
        batchSize: env.BENCH_BATCH,
        progressEveryMs: 5_000,
        onProgress: (p: RebuildProgress) => {
          const eta = p.eventsPerSecond > 0 ? ((p.total - p.applied) / p.eventsPerSecond) * 1000 : 0;
          log(`rebuild ${p.projection}@v${p.version} ${p.percentOfHead.toFixed(1)}%  ${p.applied.toLocaleString('en')}/${p.total.toLocaleString('en')}  ${p.eventsPerSecond.toFixed(0)} events/s  ETA ${seconds(eta)}`);
        },
      });
      rebuilt += result.applied;
      rebuildMs += result.elapsedMs;
    }
    const rebuildRate = rebuilt / (rebuildMs / 1000);
    log(`rebuild: ${rebuilt.toLocaleString('en')} events in ${seconds(rebuildMs)}, ${rebuildRate.toFixed(0)} events/s, ${(rebuildRate / rawRate).toFixed(3)} of the raw scan`);
    // What autovacuum would do on a live system after a bulk rebuild: fresh planner statistics.
    const analyzer = new pg.Client({ connectionString: database.url });
    await analyzer.connect();
    await analyzer.query('vacuum analyze');
    await analyzer.end();

    const timed = await timeQueries(database.url, env.BENCH_QUERY_RUNS);
    const worst = timed.reduce((a, b) => (b.p95 > a.p95 ? b : a));
    log(`dashboard: worst p95 ${worst.p95.toFixed(1)} ms (${worst.scenario}, ${worst.query})`);
    return {
      size,
      events: loaded.events,
      ratings: loaded.ratings,
      loadEventsPerS: loaded.events / (loaded.ms / 1000),
      rawScanEventsPerS: rawRate,
      rebuildEventsPerS: rebuildRate,
      dashboardP95Ms: worst.p95,
      worst,
    };
  } finally {
    await store.close().catch(() => undefined);
    await db.destroy().catch(() => undefined);
    if (env.BENCH_KEEP_DB) log(`kept database ${database.name}`);
    else await database.drop();
  }
};

const started = performance.now();
const results: SizeResult[] = [];
try {
  log(`sizes ${env.BENCH_SIZES.join(', ')} events (~${eventsPerUnit.toFixed(2)} events per service encounter); batch ${env.BENCH_BATCH}; ${env.BENCH_QUERY_RUNS} runs per query`);
  for (const size of env.BENCH_SIZES) results.push(await runSize(size));
} catch (error) {
  console.error('bench:projections failed:', error);
  process.exit(1);
}

const suffix = (size: number) => (size % 1_000_000 === 0 ? `${size / 1_000_000}m` : size % 1000 === 0 ? `${size / 1000}k` : String(size));
const largest = results[results.length - 1]!;
console.log('');
console.log(`${'events'.padStart(11)} ${'ratings'.padStart(10)} ${'raw scan/s'.padStart(11)} ${'rebuild/s'.padStart(10)} ${'ratio'.padStart(6)} ${'dash p95'.padStart(9)}`);
for (const r of results) {
  console.log(
    `${r.events.toLocaleString('en').padStart(11)} ${r.ratings.toLocaleString('en').padStart(10)} ${r.rawScanEventsPerS.toFixed(0).padStart(11)} ${r.rebuildEventsPerS.toFixed(0).padStart(10)} ${(r.rebuildEventsPerS / r.rawScanEventsPerS).toFixed(3).padStart(6)} ${r.dashboardP95Ms.toFixed(1).padStart(7)} ms`,
  );
}
const ratio = largest.rebuildEventsPerS / largest.rawScanEventsPerS;
console.log('');
console.log(`rebuild_vs_raw_scan ${ratio.toFixed(3)}  target ≥ 0.3  ${ratio >= 0.3 ? 'met' : 'NOT met'}`);
console.log(`dashboard p95 at ${largest.events.toLocaleString('en')} events ${largest.dashboardP95Ms.toFixed(1)} ms  target ≤ 100  ${largest.dashboardP95Ms <= 100 ? 'met' : 'NOT met'}`);
log(`done in ${seconds(performance.now() - started)}`);
console.log(
  JSON.stringify({
    bench: 'projections',
    rebuild_events_per_s: round(largest.rebuildEventsPerS, 1),
    rebuild_vs_raw_scan: round(ratio),
    ...Object.fromEntries(results.map((r) => [`dashboard_p95_ms_${suffix(r.size)}`, round(r.dashboardP95Ms, 1)])),
    raw_scan_events_per_s: round(largest.rawScanEventsPerS, 1),
    targets_met: { rebuild_vs_raw_scan: ratio >= 0.3, dashboard_p95_ms: largest.dashboardP95Ms <= 100 },
    sizes: results.map((r) => ({
      events: r.events,
      ratings: r.ratings,
      load_events_per_s: round(r.loadEventsPerS, 1),
      raw_scan_events_per_s: round(r.rawScanEventsPerS, 1),
      rebuild_events_per_s: round(r.rebuildEventsPerS, 1),
      rebuild_vs_raw_scan: round(r.rebuildEventsPerS / r.rawScanEventsPerS),
      dashboard_p95_ms: round(r.dashboardP95Ms, 1),
      worst_query: `${r.worst.scenario}: ${r.worst.query}`,
    })),
    batch: env.BENCH_BATCH,
    query_runs: env.BENCH_QUERY_RUNS,
  }),
);
