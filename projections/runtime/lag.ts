import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { parseLogPosition } from '../../core/eventstore/postgres/positions.ts';
import type { LogPosition } from '../../core/eventstore/types.ts';
import { loadCheckpoint } from './checkpoints.ts';
import { projectorFailures } from './failures.ts';
import type { AnyProjection } from './types.ts';

export interface ProjectorLag {
  readonly projection: string;
  readonly version: number;
  readonly checkpoint: LogPosition | null;
  /** Events of the projection's categories committed after the checkpoint (capped at `cap`). */
  readonly behindEvents: number;
  /** Age of the oldest event not yet applied, in seconds; 0 when caught up. */
  readonly behindSeconds: number;
  /** Share of the log (in the projection's categories) that is applied, 0…1; 1 when there is nothing. */
  readonly applied: number;
}

const COUNT_CAP = 1_000_000;

/**
 * How far a projector is behind the head of the log, for the metrics endpoint
 * (`pinggai_projector_lag_events`, `pinggai_projector_lag_seconds`). Reads the event store's table
 * directly (same database): the store port has no "count after position" question.
 */
export const projectorLag = async (
  db: Kysely<unknown>,
  projection: AnyProjection,
  now: Date = new Date(),
): Promise<ProjectorLag> => {
  const checkpoint = await loadCheckpoint(db, projection);
  const from = parseLogPosition(checkpoint);
  const categories = [...projection.categories];
  const after = sql`stream_category = any(${categories}::text[])
    and (transaction_id, global_position) > (${from.transactionId}::xid8, ${from.globalPosition}::bigint)`;
  const { rows: behind } = await sql<{ n: number }>`
    select count(*)::int as n from (select 1 from eventstore.events where ${after} limit ${COUNT_CAP}) b`.execute(
    db,
  );
  const { rows: oldest } = await sql<{ recorded_at: string }>`
    select to_json(recorded_at) #>> '{}' as recorded_at from eventstore.events where ${after}
    order by events.transaction_id, events.global_position limit 1`.execute(db);
  const { rows: done } = await sql<{ n: number }>`
    select events_applied::int as n from app.projection_checkpoints where projection = ${projection.name} and version = ${projection.version}`.execute(
    db,
  );
  const behindEvents = behind[0]?.n ?? 0;
  const applied = done[0]?.n ?? 0;
  const first = oldest[0]?.recorded_at;
  return {
    projection: projection.name,
    version: projection.version,
    checkpoint,
    behindEvents,
    behindSeconds: first ? Math.max(0, (now.getTime() - Date.parse(first)) / 1000) : 0,
    applied: applied + behindEvents === 0 ? 1 : applied / (applied + behindEvents),
  };
};

/**
 * Prometheus text lines for every projection given (the metrics endpoint appends them): lag, and how
 * long the projector has been stuck on one event (`app.projection_failures`).
 */
export const projectorLagMetrics = async (
  db: Kysely<unknown>,
  projections: readonly AnyProjection[],
  now: Date = new Date(),
): Promise<string> => {
  const lines = [
    '# HELP pinggai_projector_lag_events Events committed but not yet applied by the projector.',
    '# TYPE pinggai_projector_lag_events gauge',
    '# HELP pinggai_projector_lag_seconds Age of the oldest event not yet applied by the projector.',
    '# TYPE pinggai_projector_lag_seconds gauge',
    '# HELP pinggai_projector_failing_seconds How long the projector has been failing on one event (0: it is not).',
    '# TYPE pinggai_projector_failing_seconds gauge',
  ];
  const failures = await projectorFailures(db);
  for (const projection of projections) {
    const lag = await projectorLag(db, projection, now);
    const failure = failures.find((f) => f.projection === projection.name && f.version === projection.version);
    const failingSeconds = failure ? Math.max(0, (now.getTime() - failure.firstFailedAt.getTime()) / 1000) : 0;
    const labels = `{projection="${lag.projection}",version="${lag.version}"}`;
    lines.push(
      `pinggai_projector_lag_events${labels} ${lag.behindEvents}`,
      `pinggai_projector_lag_seconds${labels} ${lag.behindSeconds.toFixed(3)}`,
      `pinggai_projector_failing_seconds${labels} ${failingSeconds.toFixed(3)}`,
    );
  }
  return `${lines.join('\n')}\n`;
};
