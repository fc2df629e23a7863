import type { Kysely } from 'kysely';
import { sql } from 'kysely';

// Frozen: the event store's schema as first shipped. Change it only by adding a migration.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create schema if not exists eventstore`.execute(db);
  await sql`
    create table eventstore.events (
      global_position bigint generated always as identity primary key,
      transaction_id  xid8        not null default pg_current_xact_id(),
      stream_id       text        not null,
      stream_category text        not null,
      stream_version  integer     not null check (stream_version > 0),
      event_id        uuid        not null,
      event_type      text        not null,
      schema_version  integer     not null check (schema_version > 0),
      data            jsonb       not null,
      metadata        jsonb       not null,
      recorded_at     timestamptz not null default now(),
      constraint events_stream_version_key unique (stream_id, stream_version),
      constraint events_event_id_key unique (event_id)
    )`.execute(db);
  // Subscribers read in (transaction_id, global_position) order below the oldest open transaction.
  await sql`create index events_log_order on eventstore.events (transaction_id, global_position)`.execute(db);
  await sql`create index events_category_log_order on eventstore.events (stream_category, transaction_id, global_position)`.execute(
    db,
  );
  await sql`
    create table eventstore.checkpoints (
      subscriber_id text primary key,
      position      text not null,
      updated_at    timestamptz not null default now()
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop schema eventstore cascade`.execute(db);
}
