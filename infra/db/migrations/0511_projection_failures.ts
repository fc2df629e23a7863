import type { Kysely } from 'kysely';
import { sql } from 'kysely';

// Frozen: the event each projector version is stuck on, if any (projections/runtime/failures.ts).
// Written outside the failed batch's transaction, so it survives the rollback; deleted by the first
// batch that gets past it. The operator's report and the metrics endpoint read it.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table app.projection_failures (
      projection      text        not null,
      version         integer     not null,
      position        text        not null,
      event_id        text        not null,
      stream_id       text        not null,
      event_type      text        not null,
      attempts        integer     not null,
      error           text        not null,
      first_failed_at timestamptz not null default now(),
      last_failed_at  timestamptz not null default now(),
      primary key (projection, version)
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists app.projection_failures`.execute(db);
}
