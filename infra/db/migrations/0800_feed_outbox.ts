import type { Kysely } from 'kysely';
import { sql } from 'kysely';

// Frozen: the provincial 好差评 feed outbox (省级好差评数据上报) as first shipped. Change it only by
// adding a migration. One row per feed record id (the receiving end's idempotency key): collecting
// the same event twice changes nothing; sending is retried with back-off until accepted or rejected.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create schema if not exists app`.execute(db);
  await sql`
    create table app.feed_outbox (
      record_id        text        primary key,
      kind             text        not null check (kind in ('rating', 'rectification')),
      source_event_id  text        not null,
      month_key        text        not null,
      payload          jsonb       not null,
      status           text        not null default 'pending' check (status in ('pending', 'accepted', 'rejected', 'failed')),
      attempts         integer     not null default 0,
      next_attempt_at  timestamptz not null default now(),
      reason           text,
      sent_at          timestamptz,
      created_at       timestamptz not null default now()
    )`.execute(db);
  await sql`create index feed_outbox_due on app.feed_outbox (next_attempt_at) where status = 'pending'`.execute(db);
  await sql`create index feed_outbox_month on app.feed_outbox (month_key, kind, status)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists app.feed_outbox`.execute(db);
}
