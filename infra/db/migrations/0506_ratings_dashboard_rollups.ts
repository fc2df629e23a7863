import type { Kysely } from 'kysely';
import { sql } from 'kysely';

// Frozen: day roll-ups of the `ratings` projection by channel (projections/read-models/rollups.ts), so
// that a dashboard filtered to one channel or channel group (线上 / 线下) ranks matters, draws the
// weekday × hour heatmap and scores the 12 indicators from roll-ups instead of counting the facts.
// Like 0503 they go into the schema of the version that is serving, filled from its facts. And the
// index a staff member's 未评率 reads their completed cases by.
const tables = ['ratings_by_day_matter_channel', 'ratings_by_day_hour_channel', 'indicators_by_day_channel'];

export async function up(db: Kysely<unknown>): Promise<void> {
  const { rows } = await sql<{ version: number }>`
    select version from app.projection_active where projection = 'ratings'`.execute(db);
  const schema = `rm_ratings_v${rows[0]?.version ?? 1}`;
  const t = (table: string) => sql.id(schema, table);
  await sql`
    create table ${t('ratings_by_day_matter_channel')} (
      day_key         text not null,
      department_code text not null,
      matter_code     text not null,
      channel         text not null,
      week_key        text not null,
      month_key       text not null,
      channel_group   text not null,
      department_name text not null,
      matter_name     text not null,
      l1 integer not null, l2 integer not null, l3 integer not null, l4 integer not null, l5 integer not null,
      primary key (day_key, department_code, matter_code, channel)
    )`.execute(db);
  await sql`create index ratings_by_day_matter_channel_department on ${t('ratings_by_day_matter_channel')} (department_code, day_key)`.execute(db);
  await sql`
    insert into ${t('ratings_by_day_matter_channel')}
    select day_key, department_code, matter_code, channel, max(week_key), max(month_key), max(channel_group),
           max(department_name), max(matter_name),
           count(*) filter (where level = 1), count(*) filter (where level = 2), count(*) filter (where level = 3),
           count(*) filter (where level = 4), count(*) filter (where level = 5)
    from ${t('rating_facts')} group by day_key, department_code, matter_code, channel`.execute(db);
  await sql`
    create table ${t('ratings_by_day_hour_channel')} (
      day_key         text     not null,
      department_code text     not null,
      hour            smallint not null,
      weekday         smallint not null,
      rated           integer  not null,
      negative        integer  not null,
      channel         text     not null,
      channel_group   text     not null,
      primary key (day_key, department_code, hour, channel)
    )`.execute(db);
  await sql`create index ratings_by_day_hour_channel_department on ${t('ratings_by_day_hour_channel')} (department_code, day_key)`.execute(db);
  await sql`
    insert into ${t('ratings_by_day_hour_channel')} (day_key, department_code, hour, weekday, rated, negative, channel, channel_group)
    select day_key, department_code, hour, max(weekday), count(*), count(*) filter (where level <= 2), channel, max(channel_group)
    from ${t('rating_facts')} group by day_key, department_code, hour, channel`.execute(db);
  await sql`
    create table ${t('indicators_by_day_channel')} (
      day_key         text    not null,
      department_code text    not null,
      code            text    not null,
      category        text    not null,
      answers         integer not null,
      level_sum       integer not null,
      good            integer not null,
      channel         text    not null,
      channel_group   text    not null,
      primary key (day_key, department_code, code, channel)
    )`.execute(db);
  await sql`create index indicators_by_day_channel_department on ${t('indicators_by_day_channel')} (department_code, day_key)`.execute(db);
  await sql`
    insert into ${t('indicators_by_day_channel')} (day_key, department_code, code, category, answers, level_sum, good, channel, channel_group)
    select a.day_key, a.department_code, a.code, max(a.category), count(*), sum(a.level), count(*) filter (where a.level >= 4),
           r.channel, max(r.channel_group)
    from ${t('indicator_answers')} a join ${t('rating_facts')} r on r.rating_id = a.rating_id
    group by a.day_key, a.department_code, a.code, r.channel`.execute(db);
  for (const table of tables) await sql`create view ${sql.id('app', table)} as select * from ${t(table)}`.execute(db);
  await sql`create index case_facts_staff_completed on ${t('case_facts')} (staff_id, completed_day_key)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  const { rows } = await sql<{ version: number }>`
    select version from app.projection_active where projection = 'ratings'`.execute(db);
  const schema = `rm_ratings_v${rows[0]?.version ?? 1}`;
  for (const table of tables) {
    await sql`drop view if exists ${sql.id('app', table)}`.execute(db);
    await sql`drop table if exists ${sql.id(schema, table)}`.execute(db);
  }
  await sql`drop index if exists ${sql.id(schema, 'case_facts_staff_completed')}`.execute(db);
}
