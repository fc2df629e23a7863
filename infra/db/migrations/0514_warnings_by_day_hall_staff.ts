import type { Kysely } from 'kysely';
import { sql } from 'kysely';

// Frozen: the warnings' day roll-up gains the rated service's hall and staff member. A window is known
// by its hall's code and its own (every hall has a W01): the warning rates filtered by a window must
// not count another hall's warnings, and they now follow the dashboard's hall and staff filters too. Like 0509 this goes into the schema of the version that is
// serving and is summed again from its warning rows, with the roll-up locked until the migrations'
// transaction commits (kysely runs them in one on Postgres): the warnings projector waits for it. A projector still running the code from before this
// migration writes rows without the hall, which the new key refuses: its batch fails, is recorded in
// projection_failures and retried, and succeeds once the new code runs (nothing is lost; the
// checkpoint does not move past a failed batch). Like 0509 it changes the serving version only: a
// version already prepared for a rebuild and not yet serving keeps the old roll-up (a rebuild only
// empties existing tables): drop it (`npm run projections -- drop warnings --version N`) and rebuild.

const serving = async (db: Kysely<unknown>): Promise<string> => {
  const { rows } = await sql<{ version: number }>`
    select version from app.projection_active where projection = 'warnings'`.execute(db);
  return `rm_warnings_v${rows[0]?.version ?? 1}`;
};

const refill = (schema: string, withHallAndStaff: boolean) => {
  const t = (table: string) => sql.id(schema, table);
  const hall = withHallAndStaff ? sql`coalesce(hall_code, ''),` : sql``;
  const staff = withHallAndStaff ? sql`coalesce(staff_id, ''),` : sql``;
  const groups = withHallAndStaff ? sql`1, 2, 3, 4, 5, 6, 7, 8` : sql`1, 2, 3, 4, 5, 6`;
  return sql`
    insert into ${t('warnings_by_day')}
    select raised_day_key, coalesce(department_code, ''), coalesce(matter_code, ''), ${hall} coalesce(window_code, ''), ${staff} lead_department, phase,
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
    group by ${groups}`;
};

export async function up(db: Kysely<unknown>): Promise<void> {
  const schema = await serving(db);
  const t = (table: string) => sql.id(schema, table);
  await sql`lock table ${t('warnings_by_day')} in access exclusive mode`.execute(db);
  await sql`drop view app.warnings_by_day`.execute(db);
  await sql`drop table ${t('warnings_by_day')}`.execute(db);
  await sql`
      create table ${t('warnings_by_day')} (
        raised_day_key      text    not null,
        department_code     text    not null,
        matter_code         text    not null,
        hall_code           text    not null,
        window_code         text    not null,
        staff_id            text    not null,
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
        primary key (raised_day_key, department_code, matter_code, hall_code, window_code, staff_id, lead_department, phase)
      )`.execute(db);
  await refill(schema, true).execute(db);
  await sql`create view app.warnings_by_day as select * from ${t('warnings_by_day')}`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  const schema = await serving(db);
  const t = (table: string) => sql.id(schema, table);
  await sql`lock table ${t('warnings_by_day')} in access exclusive mode`.execute(db);
  await sql`drop view app.warnings_by_day`.execute(db);
  await sql`alter table ${t('warnings_by_day')} drop constraint warnings_by_day_pkey`.execute(db);
  await sql`truncate ${t('warnings_by_day')}`.execute(db);
  await sql`alter table ${t('warnings_by_day')} drop column hall_code, drop column staff_id`.execute(db);
  await sql`
      alter table ${t('warnings_by_day')}
        add primary key (raised_day_key, department_code, matter_code, window_code, lead_department, phase)`.execute(
    db,
  );
  await refill(schema, false).execute(db);
  await sql`create view app.warnings_by_day as select * from ${t('warnings_by_day')}`.execute(db);
}
