import type { Kysely, RawBuilder } from 'kysely';
import { sql } from 'kysely';
import { parseLogPosition } from '../../core/eventstore/postgres/positions.ts';
import { subscriberCategories } from '../../core/eventstore/subscribers.ts';
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
 * The events committed after a checkpoint (a condition on eventstore.events), in the given
 * categories, or in all of them (null).
 */
const afterCheckpoint = (checkpoint: LogPosition | null, categories: readonly string[] | null) => {
  const from = parseLogPosition(checkpoint);
  const after = sql`(transaction_id, global_position) > (${from.transactionId}::xid8, ${from.globalPosition}::bigint)`;
  return categories ? sql`stream_category = any(${[...categories]}::text[]) and ${after}` : after;
};

/** How many events meet `where`, counted up to `cap` (past it, far behind is all one needs to know). */
const countEvents = async (db: Kysely<unknown>, where: RawBuilder<unknown>, cap: number): Promise<number> => {
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from (select 1 from eventstore.events where ${where} limit ${cap}) b`.execute(db);
  return rows[0]?.n ?? 0;
};

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
  const after = afterCheckpoint(checkpoint, projection.categories);
  const behindEvents = await countEvents(db, after, COUNT_CAP);
  const { rows: oldest } = await sql<{ recorded_at: string }>`
    select to_json(recorded_at) #>> '{}' as recorded_at from eventstore.events where ${after}
    order by events.transaction_id, events.global_position limit 1`.execute(db);
  const { rows: done } = await sql<{ n: number }>`
    select events_applied::int as n from app.projection_checkpoints where projection = ${projection.name} and version = ${projection.version}`.execute(
    db,
  );
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

/** Counting stops here for subscribers: one this far behind is simply far behind. */
export const SUBSCRIBER_COUNT_CAP = 100_000;

export interface SubscriberLag {
  readonly id: string;
  /**
   * Events of the subscriber's categories committed after its checkpoint, up to
   * SUBSCRIBER_COUNT_CAP; of every category for a checkpoint no subscriber of the system owns.
   */
  readonly behindEvents: number;
  /** False: the checkpoint is no running subscriber's (a test's, or one a rollout left behind). */
  readonly known: boolean;
}

/**
 * How many events wait behind each checkpointed subscriber that is not a projector (reactors, the
 * warning workflow forwarder, the feed collector, webhooks: core/eventstore/subscribers.ts), in id
 * order, counted in the categories it reads; for `npm run ops` and the metrics endpoint
 * (`pinggai_subscriber_lag_events`). Projectors have projectorLag.
 */
export const subscriberLags = async (db: Kysely<unknown>): Promise<SubscriberLag[]> => {
  const { rows: checkpoints } = await sql<{ subscriber_id: string; position: LogPosition }>`
    select subscriber_id, position from eventstore.checkpoints where subscriber_id not like 'projection:%' order by subscriber_id`.execute(db);
  const lags: SubscriberLag[] = [];
  for (const row of checkpoints) {
    const categories = subscriberCategories(row.subscriber_id);
    const behindEvents = await countEvents(db, afterCheckpoint(row.position, categories), SUBSCRIBER_COUNT_CAP);
    lags.push({ id: row.subscriber_id, behindEvents, known: categories !== null });
  }
  return lags;
};
