import type { Kysely } from 'kysely';
import { sql } from 'kysely';

// Frozen: the day roll-up of the `warnings` projection (projections/read-models/warnings-by-day.ts), so
// that the warning panel over a year sums a few thousand rows, and the index of the warnings that can
// still be late (not dispatched, or not closed), from which the queries count what depends on the
// clock. Like 0506 it goes into the schema of the version that is serving, filled from its rows.
export async function up(db: Kysely<unknown>): Promise<void> {
  const { rows } = await sql<{ version: number }>`
    select version from app.projection_active where projection = 'warnings'`.execute(db);
  const schema = `rm_warnings_v${rows[0]?.version ?? 1}`;
  const t = (table: string) => sql.id(schema, table);
  await sql`
    create table ${t('warnings_by_day')} (
      raised_day_key      text    not null,
      department_code     text    not null,
      matter_code         text    not null,
      window_code         text    not null,
      lead_department     text    not null,
      phase               text    not null,
      raised              integer not null,
      counted             integer not null,
      verified            integer not null,
      rectified           integer not null,
      callbacks           integer not null,
      callbacks_satisfied integer not null,
      dispatched          integer not null,
      dispatched_on_time  integer not null,
      replies             integer not null,
      replies_on_time     integer not null,
      primary key (raised_day_key, department_code, matter_code, window_code, lead_department, phase)
    )`.execute(db);
  await sql`
    insert into ${t('warnings_by_day')}
    select raised_day_key, coalesce(department_code, ''), coalesce(matter_code, ''), coalesce(window_code, ''), lead_department, phase,
           count(*),
           count(*) filter (where counted),
           count(*) filter (where counted and (outcome = 'rectified' or (phone_satisfied is not null and on_site_satisfied is not null))),
           count(*) filter (where counted and outcome = 'rectified'),
           coalesce(sum(callbacks) filter (where counted), 0),
           coalesce(sum(callbacks_satisfied) filter (where counted), 0),
           count(*) filter (where counted and dispatched_at is not null),
           count(*) filter (where counted and dispatch_on_time),
           coalesce(sum(replies) filter (where counted), 0),
           coalesce(sum(replies_on_time) filter (where counted), 0)
    from (select *, not (appeal_status = 'upheld' or coalesce(outcome, '') = 'appeal_upheld') as counted from ${t('warnings')}) w
    group by 1, 2, 3, 4, 5, 6`.execute(db);
  await sql`create view app.warnings_by_day as select * from ${t('warnings_by_day')}`.execute(db);
  await sql`create index warnings_may_be_late on ${t('warnings')} (raised_day_key) where dispatched_at is null or phase <> 'closed'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  const { rows } = await sql<{ version: number }>`
    select version from app.projection_active where projection = 'warnings'`.execute(db);
  const schema = `rm_warnings_v${rows[0]?.version ?? 1}`;
  await sql`drop view if exists app.warnings_by_day`.execute(db);
  await sql`drop table if exists ${sql.id(schema, 'warnings_by_day')}`.execute(db);
  await sql`drop index if exists ${sql.id(schema, 'warnings_may_be_late')}`.execute(db);
}
