import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { parseLogPosition } from '../../core/eventstore/postgres/positions.ts';
import type { LogPosition } from '../../core/eventstore/types.ts';
import { loadCheckpoint } from './checkpoints.ts';
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
