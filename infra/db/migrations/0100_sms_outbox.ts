import type { Kysely } from 'kysely';
import { sql } from 'kysely';

// Frozen: the SMS send log (短信发送记录) as first shipped. Change it only by adding a migration.
// One row per idempotency key, whatever the provider: a retried activity finds its row and never
// sends twice. The phone is kept sealed (PII vault), masked and as a blind index; never in plain text.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create schema if not exists app`.execute(db);
  await sql`
    create table app.sms_outbox (
      idempotency_key     text        primary key,
      provider            text        not null check (provider in ('outbox', 'aliyun', 'tencent')),
      purpose             text        not null,
      template_code       text        not null,
      phone_sealed        jsonb       not null,
      phone_masked        text        not null,
      phone_index         text        not null,
      text                text        not null,
      status              text        not null check (status in ('sending', 'sent', 'failed', 'in_doubt')),
      attempts            integer     not null default 1,
      provider_message_id text,
      error_code          text,
      error_message       text,
      created_at          timestamptz not null default now(),
      updated_at          timestamptz not null default now()
    )`.execute(db);
  await sql`create index sms_outbox_created_at on app.sms_outbox (created_at desc)`.execute(db);
  // "How many messages did this phone get today" without the phone in plain text.
  await sql`create index sms_outbox_phone_index on app.sms_outbox (phone_index, created_at)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists app.sms_outbox`.execute(db);
}
