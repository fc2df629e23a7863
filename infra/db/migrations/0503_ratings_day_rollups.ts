import type { Kysely } from 'kysely';
import { sql } from 'kysely';

// Frozen: the day rollups of the `ratings` projection (projections/read-models/rollups.ts) and the
// indexes the drill-down lists read newest-first by. They go into the schema of the version that is
// serving (rm_ratings_v1 on a fresh database), filled from its facts, and are served as app.* views;
// the projection keeps them in step from here on, and a rebuild clones them like its other tables.
export async function up(db: Kysely<unknown>): Promise<void> {
  const { rows } = await sql<{ version: number }>`
    select version from app.projection_active where projection = 'ratings'`.execute(db);
  const schema = `rm_ratings_v${rows[0]?.version ?? 1}`;
  const t = (table: string) => sql.id(schema, table);

  await sql`
    create table ${t('ratings_by_day_channel')} (
      day_key         text not null,
      department_code text not null,
      channel         text not null,
      week_key        text not null,
      month_key       text not null,
      channel_group   text not null,
      department_name text not null,
      l1 integer not null, l2 integer not null, l3 integer not null, l4 integer not null, l5 integer not null,
      primary key (day_key, department_code, channel)
    )`.execute(db);
  await sql`create index ratings_by_day_channel_department on ${t('ratings_by_day_channel')} (department_code, day_key)`.execute(db);
  await sql`
    insert into ${t('ratings_by_day_channel')}
    select day_key, department_code, channel, max(week_key), max(month_key), max(channel_group), max(department_name),
           count(*) filter (where level = 1), count(*) filter (where level = 2), count(*) filter (where level = 3),
           count(*) filter (where level = 4), count(*) filter (where level = 5)
    from ${t('rating_facts')} group by day_key, department_code, channel`.execute(db);

  await sql`
    create table ${t('ratings_by_day_place')} (
      day_key         text not null,
      department_code text not null,
      matter_code     text not null,
      hall_code       text not null,
      window_code     text not null,
      week_key        text not null,
      month_key       text not null,
      department_name text not null,
      matter_name     text not null,
      hall_name       text not null,
      window_name     text not null,
      l1 integer not null, l2 integer not null, l3 integer not null, l4 integer not null, l5 integer not null,
      primary key (day_key, department_code, matter_code, hall_code, window_code)
    )`.execute(db);
  await sql`create index ratings_by_day_place_department on ${t('ratings_by_day_place')} (department_code, day_key)`.execute(db);
  await sql`
    insert into ${t('ratings_by_day_place')}
    select day_key, department_code, matter_code, hall_code, window_code, max(week_key), max(month_key),
           max(department_name), max(matter_name), max(hall_name), max(window_name),
           count(*) filter (where level = 1), count(*) filter (where level = 2), count(*) filter (where level = 3),
           count(*) filter (where level = 4), count(*) filter (where level = 5)
    from ${t('rating_facts')} group by day_key, department_code, matter_code, hall_code, window_code`.execute(db);

  await sql`
    create table ${t('ratings_by_day_hour')} (
      day_key         text     not null,
      department_code text     not null,
      hour            smallint not null,
      weekday         smallint not null,
      rated           integer  not null,
      negative        integer  not null,
      primary key (day_key, department_code, hour)
    )`.execute(db);
  await sql`create index ratings_by_day_hour_department on ${t('ratings_by_day_hour')} (department_code, day_key)`.execute(db);
  await sql`
    insert into ${t('ratings_by_day_hour')}
    select day_key, department_code, hour, max(weekday), count(*), count(*) filter (where level <= 2)
    from ${t('rating_facts')} group by day_key, department_code, hour`.execute(db);

  await sql`
    create table ${t('indicators_by_day')} (
      day_key         text    not null,
      department_code text    not null,
      code            text    not null,
      category        text    not null,
      answers         integer not null,
      level_sum       integer not null,
      good            integer not null,
      primary key (day_key, department_code, code)
    )`.execute(db);
  await sql`create index indicators_by_day_department on ${t('indicators_by_day')} (department_code, day_key)`.execute(db);
  await sql`
    insert into ${t('indicators_by_day')}
    select day_key, department_code, code, max(category), count(*), sum(level), count(*) filter (where level >= 4)
    from ${t('indicator_answers')} group by day_key, department_code, code`.execute(db);

  await sql`
    create table ${t('funnel_by_day')} (
      issued_day_key  text    not null,
      department_code text    not null,
      channel         text    not null,
      channel_group   text    not null,
      invited         integer not null,
      opened          integer not null,
      submitted       integer not null,
      expired         integer not null,
      primary key (issued_day_key, department_code, channel)
    )`.execute(db);
  await sql`
    insert into ${t('funnel_by_day')}
    select issued_day_key, coalesce(department_code, ''), channel, max(channel_group), count(*),
           count(*) filter (where opened_at is not null or submitted_at is not null),
           count(*) filter (where submitted_at is not null),
           count(*) filter (where expired_at is not null and submitted_at is null)
    from ${t('invitation_funnel')} where issued_at is not null
    group by issued_day_key, coalesce(department_code, ''), channel`.execute(db);

  await sql`
    create table ${t('cases_by_day')} (
      completed_day_key text    not null,
      department_code   text    not null,
      completed         integer not null,
      rated             integer not null,
      primary key (completed_day_key, department_code)
    )`.execute(db);
  await sql`
    insert into ${t('cases_by_day')}
    select completed_day_key, coalesce(department_code, ''), count(*), count(*) filter (where first_rated_at is not null)
    from ${t('case_facts')} where completed_at is not null
    group by completed_day_key, coalesce(department_code, '')`.execute(db);

  for (const table of ['ratings_by_day_channel', 'ratings_by_day_place', 'ratings_by_day_hour', 'indicators_by_day', 'funnel_by_day', 'cases_by_day']) {
    await sql`create view ${sql.id('app', table)} as select * from ${t(table)}`.execute(db);
  }

  // The drill-down lists (newest first, then by id) for the district, a department and a staff member.
  await sql`create index rating_facts_newest on ${t('rating_facts')} (submitted_at desc, rating_id)`.execute(db);
  await sql`create index rating_facts_department_newest on ${t('rating_facts')} (department_code, submitted_at desc, rating_id)`.execute(db);
  await sql`create index rating_facts_staff_newest on ${t('rating_facts')} (staff_id, submitted_at desc, rating_id)`.execute(db);
  // 差评回复率 counts the negative ratings of the period: a few percent of the facts.
  await sql`create index rating_facts_negative_day on ${t('rating_facts')} (day_key) where negative`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  const { rows } = await sql<{ version: number }>`
    select version from app.projection_active where projection = 'ratings'`.execute(db);
  const schema = `rm_ratings_v${rows[0]?.version ?? 1}`;
  for (const table of ['ratings_by_day_channel', 'ratings_by_day_place', 'ratings_by_day_hour', 'indicators_by_day', 'funnel_by_day', 'cases_by_day']) {
    await sql`drop view if exists ${sql.id('app', table)}`.execute(db);
    await sql`drop table if exists ${sql.id(schema, table)}`.execute(db);
  }
  for (const index of ['rating_facts_newest', 'rating_facts_department_newest', 'rating_facts_staff_newest', 'rating_facts_negative_day'])
    await sql`drop index if exists ${sql.id(schema, index)}`.execute(db);
}
