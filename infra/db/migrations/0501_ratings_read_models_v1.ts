import type { Kysely } from 'kysely';
import { sql } from 'kysely';

// Frozen: version 1 of the `ratings` projection's tables, in their own schema (rm_ratings_v1), and
// the app.* views that serve them. A later version adds its schema in a new migration (or is cloned
// by the rebuild when its shape is unchanged) and the rebuild repoints the views.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create schema if not exists app`.execute(db);
  await sql`create schema rm_ratings_v1`.execute(db);

  // 评价事实: one row per submitted rating, with every dimension the dashboards group by.
  await sql`
    create table rm_ratings_v1.rating_facts (
      rating_id             text        primary key,
      invitation_id         text        not null,
      case_id               text,
      submitted_at          timestamptz not null,
      day_key               text        not null,
      week_key              text        not null,
      month_key             text        not null,
      weekday               smallint    not null,
      hour                  smallint    not null,
      department_code       text        not null,
      department_name       text        not null,
      matter_code           text        not null,
      matter_name           text        not null,
      matter_type           text        not null,
      hall_code             text        not null,
      hall_name             text        not null,
      window_code           text        not null,
      window_name           text        not null,
      staff_id              text,
      staff_name            text,
      channel               text        not null,
      channel_group         text        not null,
      applicant_type        text        not null,
      enterprise_type       text,
      region_code           text        not null,
      stage                 text        not null,
      progress              text        not null,
      level                 smallint    not null check (level between 1 and 5),
      negative              boolean     not null,
      reasons               text[]      not null,
      comment_masked        text,
      attachments           jsonb       not null,
      anonymous             boolean     not null,
      questionnaire_version integer     not null,
      variant_id            text        not null
    )`.execute(db);
  await sql`create index rating_facts_day on rm_ratings_v1.rating_facts (day_key)`.execute(db);
  await sql`create index rating_facts_month_department on rm_ratings_v1.rating_facts (month_key, department_code)`.execute(
    db,
  );
  await sql`create index rating_facts_department_day on rm_ratings_v1.rating_facts (department_code, day_key)`.execute(
    db,
  );
  await sql`create index rating_facts_window_day on rm_ratings_v1.rating_facts (window_code, day_key)`.execute(
    db,
  );
  await sql`create index rating_facts_case on rm_ratings_v1.rating_facts (case_id)`.execute(db);

  // 指标得分: one row per answered indicator item of a rating.
  await sql`
    create table rm_ratings_v1.indicator_answers (
      rating_id       text     not null,
      code            text     not null,
      category        text     not null,
      level           smallint not null check (level between 1 and 5),
      department_code text     not null,
      matter_code     text     not null,
      hall_code       text     not null,
      window_code     text     not null,
      day_key         text     not null,
      month_key       text     not null,
      primary key (rating_id, code)
    )`.execute(db);
  await sql`create index indicator_answers_month on rm_ratings_v1.indicator_answers (month_key, code)`.execute(
    db,
  );

  // 回收率漏斗: one row per invitation, invited → opened → submitted (or expired: 未评).
  await sql`
    create table rm_ratings_v1.invitation_funnel (
      invitation_id    text primary key,
      channel          text,
      channel_group    text,
      trigger          text,
      case_id          text,
      department_code  text,
      matter_code      text,
      hall_code        text,
      window_code      text,
      issued_at        timestamptz,
      issued_day_key   text,
      issued_month_key text,
      sent_at          timestamptz,
      opened_at        timestamptz,
      opened_via       text,
      reminded_at      timestamptz,
      submitted_at     timestamptz,
      submitted_via    text,
      expired_at       timestamptz
    )`.execute(db);
  await sql`create index invitation_funnel_issued on rm_ratings_v1.invitation_funnel (issued_day_key)`.execute(
    db,
  );

  // 办件: completion and whether any rating came for it (未评 is a state, never a default score).
  await sql`
    create table rm_ratings_v1.case_facts (
      case_id             text primary key,
      department_code     text,
      department_name     text,
      matter_code         text,
      matter_name         text,
      hall_code           text,
      window_code         text,
      staff_id            text,
      applicant_type      text,
      stage               text,
      stage_sequence      integer not null default 0,
      registered_at       timestamptz,
      completed_at        timestamptz,
      completed_day_key   text,
      completed_month_key text,
      result              text,
      overdue_at          timestamptz,
      first_rated_at      timestamptz
    )`.execute(db);
  await sql`create index case_facts_completed on rm_ratings_v1.case_facts (completed_day_key)`.execute(db);

  for (const table of ['rating_facts', 'indicator_answers', 'invitation_funnel', 'case_facts']) {
    await sql`create view ${sql.id('app', table)} as select * from ${sql.id('rm_ratings_v1', table)}`.execute(
      db,
    );
  }
  await sql`insert into app.projection_active (projection, version) values ('ratings', 1)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['rating_facts', 'indicator_answers', 'invitation_funnel', 'case_facts']) {
    await sql`drop view if exists ${sql.id('app', table)}`.execute(db);
  }
  await sql`delete from app.projection_active where projection = 'ratings'`.execute(db);
  await sql`drop schema if exists rm_ratings_v1 cascade`.execute(db);
}
