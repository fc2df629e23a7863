import type { Kysely } from 'kysely';
import { sql } from 'kysely';

// Frozen: the webhook delivery log (对外推送记录) as first shipped. Change it only by adding a
// migration. One row per endpoint and event: re-collecting an event adds nothing; each attempt's
// answer is kept, and delivery is retried with back-off until a 2xx or the attempts run out.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create schema if not exists app`.execute(db);
  await sql`
    create table app.webhook_deliveries (
      delivery_id      text        primary key,
      endpoint_id      text        not null,
      event_type       text        not null,
      source_event_id  text        not null,
      payload          jsonb       not null,
      status           text        not null default 'pending' check (status in ('pending', 'delivered', 'failed')),
      attempts         integer     not null default 0,
      next_attempt_at  timestamptz not null default now(),
      last_status      integer,
      last_error       text,
      delivered_at     timestamptz,
      created_at       timestamptz not null default now()
    )`.execute(db);
  await sql`create index webhook_deliveries_due on app.webhook_deliveries (next_attempt_at) where status = 'pending'`.execute(db);
  await sql`create index webhook_deliveries_endpoint on app.webhook_deliveries (endpoint_id, created_at desc)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists app.webhook_deliveries`.execute(db);
}
