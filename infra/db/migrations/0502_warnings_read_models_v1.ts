import type { Kysely } from 'kysely';
import { sql } from 'kysely';

// Frozen: version 1 of the `warnings` projection's table (rm_warnings_v1) and its app.* view.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create schema if not exists app`.execute(db);
  await sql`create schema rm_warnings_v1`.execute(db);
  // 预警: one row per warning, its phase, deadlines in force and the facts the rates are counted from.
  await sql`
    create table rm_warnings_v1.warnings (
      warning_id               text        primary key,
      stream_version           integer     not null,
      kind                     text        not null,
      severity                 text        not null,
      rule_id                  text        not null,
      lead_department          text        not null,
      cooperating_departments  text[]      not null,
      department_code          text,
      matter_code              text,
      hall_code                text,
      window_code              text,
      staff_id                 text,
      rating_id                text,
      case_id                  text,
      invitation_id            text,
      phase                    text        not null,
      round                    integer     not null,
      raised_at                timestamptz not null,
      raised_day_key           text        not null,
      raised_month_key         text        not null,
      dispatch_due_at          timestamptz not null,
      dispatched_at            timestamptz,
      dispatch_on_time         boolean,
      dispatch_escalation      integer     not null,
      reply_due_at             timestamptz,
      first_replied_at         timestamptz,
      last_replied_at          timestamptz,
      last_reply_text          text,
      replies                  integer     not null,
      replies_on_time          integer     not null,
      reply_escalation         integer     not null,
      phone_due_at             timestamptz,
      on_site_due_at           timestamptz,
      phone_satisfied          boolean,
      on_site_satisfied        boolean,
      callbacks                integer     not null,
      callbacks_satisfied      integer     not null,
      first_callback_at        timestamptz,
      reopen_count             integer     not null,
      appeal_status            text        not null,
      closed_at                timestamptz,
      outcome                  text,
      rating_excluded          boolean     not null,
      last_event_at            timestamptz not null
    )`.execute(db);
  await sql`create index warnings_lead_phase on rm_warnings_v1.warnings (lead_department, phase)`.execute(db);
  await sql`create index warnings_raised_day on rm_warnings_v1.warnings (raised_day_key)`.execute(db);
  await sql`create index warnings_rating on rm_warnings_v1.warnings (rating_id)`.execute(db);
  await sql`create view app.warnings as select * from rm_warnings_v1.warnings`.execute(db);
  await sql`insert into app.projection_active (projection, version) values ('warnings', 1)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop view if exists app.warnings`.execute(db);
  await sql`delete from app.projection_active where projection = 'warnings'`.execute(db);
  await sql`drop schema if exists rm_warnings_v1 cascade`.execute(db);
}
