/**
 * Prometheus metrics at `/metrics`: HTTP requests by route and status (intake rate and errors),
 * event append latency, projector lag and a projector stuck on one event, the lag of reactors and the
 * warning workflow forwarder, open warnings by stage with SLA breaches, deadlines missed,
 * and SMS sent / failed. Request and append figures are counted as they happen; the others are read
 * from the read models and the SMS outbox at scrape time, so every process reports the same truth.
 */
import { prometheus } from '@hono/prometheus';
import type { Context, MiddlewareHandler } from 'hono';
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { AppendOutcome, GroupCommitReport } from '../../core/eventstore/instrumented.ts';
import { inDoubtAt, SENDING_STALE_MINUTES } from '../../core/sms/send-log.ts';
import type { AnyProjection } from '../../projections/index.ts';
import { projectorFailures, projectorLag, SUBSCRIBER_COUNT_CAP, subscriberLags } from '../../projections/index.ts';
import { warningsByPhase } from '../../projections/queries/warnings.ts';

export interface MetricsSources {
  /** The read models' database (with app.warnings and app.sms_outbox). */
  readonly db: Kysely<unknown>;
  /** Projections whose lag to report. */
  readonly projections: readonly AnyProjection[];
  readonly now: () => Date;
}

export interface Metrics {
  readonly registry: Registry;
  /** Counts and times every request (mount it before the routes). */
  readonly http: MiddlewareHandler;
  /** Pass to instrumentEventStore as `onAppend`. */
  readonly observeAppend: (seconds: number, events: number, outcome: AppendOutcome) => void;
  /** Pass to the Postgres or PGlite store as `onGroupCommit`. */
  readonly observeGroupCommit: (report: GroupCommitReport) => void;
  /** The GET /metrics handler (Prometheus text format). */
  readonly handler: (c: Context) => Promise<Response>;
}

/** `load`, shared by every caller while one call is in flight; the next call after it settles loads afresh. */
const sharedWhileRunning = <T>(load: () => Promise<T>): (() => Promise<T>) => {
  let running: Promise<T> | null = null;
  return () =>
    (running ??= load().finally(() => {
      running = null;
    }));
};

export const createMetrics = (sources: MetricsSources): Metrics => {
  const registry = new Registry();
  const { registerMetrics, printMetrics } = prometheus({ registry, prefix: 'pinggai_', collectDefaultMetrics: true });

  const append = new Histogram({
    name: 'pinggai_event_append_seconds',
    help: 'Time to append one batch of events to the event store.',
    labelNames: ['outcome'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });

  const groupCommits = new Counter({
    name: 'pinggai_event_group_commits_total',
    help:
      "Statements that carried several callers' appends (group commit), by outcome: together, or redone " +
      '(the statement failed and each append was made again alone; code is its SQLSTATE, 23505 a retried event or a version taken meanwhile, 55P03 a lock wait, other when not from Postgres).',
    labelNames: ['outcome', 'code'] as const,
    registers: [registry],
  });
  const groupCommitAppends = new Histogram({
    name: 'pinggai_event_group_commit_appends',
    help: 'Appends carried by one group-commit statement.',
    buckets: [2, 4, 8, 16, 32, 64, 128, 256],
    registers: [registry],
  });

  // prom-client collects every gauge of a scrape concurrently: gauges that read the same rows share one
  // query per scrape (the first collect starts it, the others join it while it runs).
  const lags = sharedWhileRunning(() => Promise.all(sources.projections.map((projection) => projectorLag(sources.db, projection, sources.now()))));
  new Gauge({
    name: 'pinggai_projector_lag_events',
    help: 'Events committed but not yet applied by the projector.',
    labelNames: ['projection', 'version'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const lag of await lags()) this.set({ projection: lag.projection, version: String(lag.version) }, lag.behindEvents);
    },
  });
  new Gauge({
    name: 'pinggai_projector_lag_seconds',
    help: 'Age of the oldest event not yet applied by the projector.',
    labelNames: ['projection', 'version'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const lag of await lags()) this.set({ projection: lag.projection, version: String(lag.version) }, lag.behindSeconds);
    },
  });

  new Gauge({
    name: 'pinggai_subscriber_lag_events',
    help: `Events committed after the checkpoint of a subscriber that is not a projector (reactors, the warning workflow forwarder, the feed collector, webhooks), counted up to ${SUBSCRIBER_COUNT_CAP}.`,
    labelNames: ['subscriber'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const lag of await subscriberLags(sources.db)) if (lag.known) this.set({ subscriber: lag.id }, lag.behindEvents);
    },
  });

  const failures = sharedWhileRunning(() => projectorFailures(sources.db));
  const failureOf = async (projection: AnyProjection) =>
    (await failures()).find((failure) => failure.projection === projection.name && failure.version === projection.version);
  new Gauge({
    name: 'pinggai_projector_failing_seconds',
    help: 'How long the projector has been failing on one event, which it retries and cannot get past (0: it is not; npm run ops names the event).',
    labelNames: ['projection', 'version'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      const now = sources.now().getTime();
      for (const projection of sources.projections) {
        const failure = await failureOf(projection);
        this.set({ projection: projection.name, version: String(projection.version) }, failure ? Math.max(0, (now - failure.firstFailedAt.getTime()) / 1000) : 0);
      }
    },
  });
  new Gauge({
    name: 'pinggai_projector_failed_attempts',
    help: 'Failed attempts in a row at the event the projector is stuck on (0: it is not stuck).',
    labelNames: ['projection', 'version'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const projection of sources.projections) {
        this.set({ projection: projection.name, version: String(projection.version) }, (await failureOf(projection))?.attempts ?? 0);
      }
    },
  });

  const phases = sharedWhileRunning(async () => (await warningsByPhase(sources.db, { now: sources.now() })).filter((row) => row.phase !== 'closed'));
  new Gauge({
    name: 'pinggai_warnings_open',
    help: 'Open warnings by stage (awaiting dispatch, reply or call-back).',
    labelNames: ['stage'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const row of await phases()) this.set({ stage: row.phase }, row.open);
    },
  });
  new Gauge({
    name: 'pinggai_warnings_overdue',
    help: 'Open warnings past the deadline in force (SLA breach), by stage.',
    labelNames: ['stage'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const row of await phases()) this.set({ stage: row.phase }, row.overdue);
    },
  });
  new Gauge({
    name: 'pinggai_warning_deadlines_missed',
    help: 'Warnings that missed a deadline (escalated at least once), by deadline.',
    labelNames: ['deadline'] as const,
    registers: [registry],
    async collect() {
      const { rows } = await sql<{ dispatch: number; reply: number }>`
        select count(*) filter (where dispatch_escalation > 0)::int as dispatch,
               count(*) filter (where reply_escalation > 0)::int as reply
        from app.warnings`.execute(sources.db);
      this.set({ deadline: 'dispatch' }, rows[0]?.dispatch ?? 0);
      this.set({ deadline: 'reply' }, rows[0]?.reply ?? 0);
    },
  });
  new Gauge({
    name: 'pinggai_sms_messages',
    help: 'Messages in the SMS outbox by status (sent, failed, in_doubt, sending).',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      const { rows } = await sql<{ status: string; count: number }>`
        select status, count(*)::int as count from app.sms_outbox group by status`.execute(sources.db);
      this.reset();
      for (const status of ['sent', 'failed']) this.set({ status }, 0);
      for (const row of rows) this.set({ status: row.status }, row.count);
    },
  });
  new Gauge({
    name: 'pinggai_sms_in_doubt',
    help: `Messages that may or may not have gone out and wait for a person (never resent automatically): in doubt, or sending for over ${SENDING_STALE_MINUTES} minutes (the sender stopped mid-send), until an operator records what the delivery report says (npm run ops -- --sms-checked).`,
    registers: [registry],
    async collect() {
      const { rows } = await sql<{ count: number }>`
        select count(*)::int as count from app.sms_outbox where ${inDoubtAt('now')}`.execute(sources.db);
      this.set(rows[0]?.count ?? 0);
    },
  });

  return {
    registry,
    http: registerMetrics,
    observeAppend: (seconds, _events, outcome) => append.observe({ outcome }, seconds),
    observeGroupCommit: ({ appends, outcome, code }) => {
      groupCommits.inc({ outcome, code: outcome === 'together' ? '' : (code ?? 'other') });
      groupCommitAppends.observe(appends);
    },
    handler: (c) => printMetrics(c),
  };
};
