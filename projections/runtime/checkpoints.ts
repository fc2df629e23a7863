import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { LogPosition, RecordedEvent } from '../../core/eventstore/types.ts';
import { DomainError } from '../../core/shared/errors.ts';
import type { AnyProjection } from './types.ts';

type Db = Kysely<unknown>;

export const loadCheckpoint = async (db: Db, projection: AnyProjection): Promise<LogPosition | null> => {
  const { rows } = await sql<{ position: string }>`
    select position from app.projection_checkpoints
    where projection = ${projection.name} and version = ${projection.version}`.execute(db);
  return (rows[0]?.position as LogPosition | undefined) ?? null;
};

/**
 * The checkpoint of the version that serves a projection's tables (app.projection_active): how far the
 * read model people see has read the log. Null when none serves yet.
 */
export const servingCheckpoint = async (db: Db, name: string): Promise<LogPosition | null> => {
  const { rows } = await sql<{ position: string }>`
    select c.position from app.projection_checkpoints c
      join app.projection_active a on a.projection = c.projection and a.version = c.version
    where c.projection = ${name}`.execute(db);
  return (rows[0]?.position as LogPosition | undefined) ?? null;
};

/** Another projector of the same version moved the checkpoint: this one stops rather than apply twice. */
export class ProjectorConflict extends DomainError {
  constructor(projection: AnyProjection, expected: LogPosition | null, found: LogPosition | null) {
    super(
      'PROJECTION_CHECKPOINT_MOVED',
      `projection ${projection.name}@v${projection.version}: checkpoint moved from ${String(expected)} to ${String(found)} by another projector`,
      {
        status: 409,
        details: { projection: projection.name, version: projection.version, expected, found },
      },
    );
    this.name = 'ProjectorConflict';
  }
}

/**
 * Locks the checkpoint row of `projection` inside `trx` and checks that it is still at `expected`
 * (a second projector waits here rather than write rows it must then undo); throws
 * `ProjectorConflict` when another projector moved it.
 */
export const lockCheckpoint = async (trx: Db, projection: AnyProjection, expected: LogPosition | null): Promise<void> => {
  const { rows } = await sql<{ position: string }>`
    select position from app.projection_checkpoints
    where projection = ${projection.name} and version = ${projection.version} for update`.execute(trx);
  const found = (rows[0]?.position as LogPosition | undefined) ?? null;
  if (found !== expected) throw new ProjectorConflict(projection, expected, found);
};

/**
 * Moves the locked checkpoint from `expected` to the last of `events`. The move is conditional too:
 * two projectors that both started from no checkpoint pass the lock (there is no row to lock); the
 * second one's insert meets the first one's row here.
 */
export const advanceCheckpoint = async (
  trx: Db,
  projection: AnyProjection,
  expected: LogPosition | null,
  events: readonly { readonly logPosition: LogPosition }[],
): Promise<LogPosition | null> => {
  const last = events[events.length - 1];
  if (!last) return expected;
  const moved = await sql<{ position: string }>`
    insert into app.projection_checkpoints (projection, version, position, events_applied)
    values (${projection.name}, ${projection.version}, ${last.logPosition}, ${events.length})
    on conflict (projection, version) do update
      set position = excluded.position,
          events_applied = app.projection_checkpoints.events_applied + excluded.events_applied,
          updated_at = now()
      where app.projection_checkpoints.position is not distinct from ${expected}::text
    returning position`.execute(trx);
  if (moved.rows.length !== 1) throw new ProjectorConflict(projection, expected, null);
  return last.logPosition;
};

/**
 * Applies one batch and moves the checkpoint in ONE transaction: either both happen or neither, so a
 * crash anywhere leaves the read model exactly at its checkpoint (exactly-once). The checkpoint row is
 * locked and compared with the position the batch was read after, so two projectors of one version
 * can never both apply the same batch. `apply` is the projection's own unless a rebuild passes its
 * bulk writer.
 */
export const applyBatch = async (
  db: Db,
  projection: AnyProjection,
  schema: string,
  expected: LogPosition | null,
  events: readonly RecordedEvent[],
  apply: AnyProjection['apply'] = projection.apply,
): Promise<LogPosition | null> => {
  if (events.length === 0) return expected;
  return db.transaction().execute(async (trx) => {
    await lockCheckpoint(trx, projection, expected);
    await apply(trx.withSchema(schema), events);
    return advanceCheckpoint(trx, projection, expected, events);
  });
};
