import type { Kysely } from 'kysely';
import { sql } from 'kysely';

// Frozen: a day roll-up of the 12 indicators per staff member (projections/read-models/rollups.ts), so
// that a staff member's radar over a year sums a few thousand rows instead of joining every answer to
// its rating. Like 0506 it goes into the schema of the version that is serving, filled from its facts.
export async function up(db: Kysely<unknown>): Promise<void> {
  const { rows } = await sql<{ version: number }>`
    select version from app.projection_active where projection = 'ratings'`.execute(db);
  const schema = `rm_ratings_v${rows[0]?.version ?? 1}`;
  const t = (table: string) => sql.id(schema, table);
  await sql`
    create table ${t('indicators_by_day_staff')} (
      day_key         text    not null,
      department_code text    not null,
      staff_id        text    not null,
      code            text    not null,
      category        text    not null,
      answers         integer not null,
      level_sum       integer not null,
      good            integer not null,
      primary key (day_key, department_code, staff_id, code)
    )`.execute(db);
  await sql`create index indicators_by_day_staff_staff on ${t('indicators_by_day_staff')} (staff_id, day_key)`.execute(db);
  await sql`
    insert into ${t('indicators_by_day_staff')} (day_key, department_code, staff_id, code, category, answers, level_sum, good)
    select a.day_key, a.department_code, r.staff_id, a.code, max(a.category), count(*), sum(a.level), count(*) filter (where a.level >= 4)
    from ${t('indicator_answers')} a join ${t('rating_facts')} r on r.rating_id = a.rating_id
    where r.staff_id is not null
    group by a.day_key, a.department_code, r.staff_id, a.code`.execute(db);
  await sql`create view app.indicators_by_day_staff as select * from ${t('indicators_by_day_staff')}`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  const { rows } = await sql<{ version: number }>`
    select version from app.projection_active where projection = 'ratings'`.execute(db);
  await sql`drop view if exists app.indicators_by_day_staff`.execute(db);
  await sql`drop table if exists ${sql.id(`rm_ratings_v${rows[0]?.version ?? 1}`, 'indicators_by_day_staff')}`.execute(db);
}
