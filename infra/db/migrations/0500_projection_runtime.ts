import type { Kysely } from 'kysely';
import { sql } from 'kysely';

// Frozen: the projector runtime's bookkeeping as first shipped. Change it only by adding a migration.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create schema if not exists app`.execute(db);
  // One row per projection version; saved in the same transaction as the rows of each batch.
  await sql`
    create table app.projection_checkpoints (
      projection     text        not null,
      version        integer     not null,
      position       text        not null,
      events_applied bigint      not null default 0,
      updated_at     timestamptz not null default now(),
      primary key (projection, version)
    )`.execute(db);
  // Which version of each projection the app.* views point at (blue/green).
  await sql`
    create table app.projection_active (
      projection text        primary key,
      version    integer     not null,
      swapped_at timestamptz not null default now()
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists app.projection_active`.execute(db);
  await sql`drop table if exists app.projection_checkpoints`.execute(db);
}
