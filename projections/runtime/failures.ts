import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { LogPosition, RecordedEvent } from '../../core/eventstore/types.ts';
import { DomainError } from '../../core/shared/errors.ts';
import type { AnyProjection } from './types.ts';

type Db = Kysely<unknown>;

/** The event a projector version cannot get past: the read model stops just before it. */
export interface ProjectorFailure {
  readonly projection: string;
  readonly version: number;
  readonly position: LogPosition;
  readonly eventId: string;
  readonly streamId: string;
  readonly eventType: string;
  /** Failed attempts at this event in a row (across restarts). */
  readonly attempts: number;
  readonly error: string;
  readonly firstFailedAt: Date;
  readonly lastFailedAt: Date;
}

const ERROR_TEXT_MAX = 2_000;

/** A projector cannot apply one event; it retries it (backing off) and applies nothing after it. */
export class ProjectorStuck extends DomainError {
  constructor(projection: AnyProjection, event: RecordedEvent, cause: unknown) {
    super(
      'PROJECTION_EVENT_FAILED',
      `projection ${projection.name}@v${projection.version} cannot apply ${event.type} ${event.id} of ${event.streamId} at ${event.logPosition}: ${errorText(cause)}`,
      {
        status: 500,
        details: { projection: projection.name, version: projection.version, eventId: event.id, eventType: event.type, streamId: event.streamId, position: event.logPosition },
      },
    );
    this.name = 'ProjectorStuck';
  }
}

const errorText = (error: unknown): string =>
  (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).slice(0, ERROR_TEXT_MAX);

/**
 * Records a failed attempt at `event`: the same event again counts one more attempt, another event
 * starts over. Runs outside the failed transaction (it rolled back), on the pool.
 */
export const recordFailure = async (
  db: Db,
  projection: AnyProjection,
  event: RecordedEvent,
  error: unknown,
): Promise<void> => {
  await sql`
    insert into app.projection_failures (projection, version, position, event_id, stream_id, event_type, attempts, error)
    values (${projection.name}, ${projection.version}, ${event.logPosition}, ${event.id}, ${event.streamId}, ${event.type}, 1, ${errorText(error)})
    on conflict (projection, version) do update set
      attempts = case when app.projection_failures.position = excluded.position then app.projection_failures.attempts + 1 else 1 end,
      first_failed_at = case when app.projection_failures.position = excluded.position then app.projection_failures.first_failed_at else now() end,
      position = excluded.position, event_id = excluded.event_id, stream_id = excluded.stream_id,
      event_type = excluded.event_type, error = excluded.error, last_failed_at = now()`.execute(db);
};

/** Forgets the failure of a version whose checkpoint has moved past it. */
export const clearFailure = async (db: Db, projection: AnyProjection): Promise<void> => {
  await sql`delete from app.projection_failures where projection = ${projection.name} and version = ${projection.version}`.execute(db);
};

/** Every projector version that is stuck, oldest failure first. */
export const projectorFailures = async (db: Db): Promise<ProjectorFailure[]> => {
  const { rows } = await sql<{
    projection: string;
    version: number;
    position: string;
    event_id: string;
    stream_id: string;
    event_type: string;
    attempts: number;
    error: string;
    first_failed_at: Date | string;
    last_failed_at: Date | string;
  }>`select * from app.projection_failures order by first_failed_at, projection, version`.execute(db);
  return rows.map((row) => ({
    projection: row.projection,
    version: row.version,
    position: row.position as LogPosition,
    eventId: row.event_id,
    streamId: row.stream_id,
    eventType: row.event_type,
    attempts: row.attempts,
    error: row.error,
    firstFailedAt: new Date(row.first_failed_at),
    lastFailedAt: new Date(row.last_failed_at),
  }));
};
