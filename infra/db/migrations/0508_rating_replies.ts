import type { Kysely } from 'kysely';
import { sql } from 'kysely';

// Frozen: 差评回复率 from the ratings projection's own roll-ups (projections/read-models/rating-replies.ts).
// The projection now also reads the warning streams: `warning_ratings` (the rating each warning names,
// and whether it is answered) and `rating_replies` (the ratings some answered warning names), and the
// three level roll-ups count 差评 and answered 差评. Like 0506 this goes into the schema of the version
// that is serving. `warning_ratings` is filled from the warning events of the Postgres event store and
// from the warnings read model (which holds them when the events live in EventStoreDB): an event the
// projection applies again later changes nothing, and rows do not depend on the order they arrive in.
const levelRollups = {
  ratings_by_day_channel: ['day_key', 'department_code', 'channel'],
  ratings_by_day_place: ['day_key', 'department_code', 'matter_code', 'hall_code', 'window_code'],
  ratings_by_day_matter_channel: ['day_key', 'department_code', 'matter_code', 'channel'],
} as const;

const activeSchema = async (db: Kysely<unknown>): Promise<string> => {
  const { rows } = await sql<{ version: number }>`
    select version from app.projection_active where projection = 'ratings'`.execute(db);
  return `rm_ratings_v${rows[0]?.version ?? 1}`;
};

export async function up(db: Kysely<unknown>): Promise<void> {
  const schema = await activeSchema(db);
  const t = (table: string) => sql.id(schema, table);
  await sql`
    create table ${t('warning_ratings')} (
      warning_id text    primary key,
      rating_id  text,
      replied    boolean not null
    )`.execute(db);
  await sql`create table ${t('rating_replies')} (rating_id text primary key)`.execute(db);
  await sql`
    insert into ${t('warning_ratings')} (warning_id, rating_id, replied)
    select substr(stream_id, length('warning-') + 1),
           max(data -> 'source' ->> 'ratingEventId') filter (where event_type = 'WarningRaised'),
           bool_or(event_type = 'WarningReplied')
    from eventstore.events
    where stream_category = 'warning' and event_type in ('WarningRaised', 'WarningReplied')
    group by stream_id`.execute(db);
  await sql`
    insert into ${t('warning_ratings')} (warning_id, rating_id, replied)
    select warning_id, rating_id, first_replied_at is not null from app.warnings
    on conflict (warning_id) do update
      set rating_id = coalesce(warning_ratings.rating_id, excluded.rating_id),
          replied = warning_ratings.replied or excluded.replied`.execute(db);
  await sql`
    insert into ${t('rating_replies')} (rating_id)
    select distinct rating_id from ${t('warning_ratings')} where replied and rating_id is not null`.execute(db);
  for (const [table, key] of Object.entries(levelRollups)) {
    await sql`
      alter table ${t(table)}
        add column negative integer not null default 0,
        add column replied  integer not null default 0`.execute(db);
    const columns = sql.join(key.map((column) => sql.ref(column)));
    const matches = sql.join(
      key.map((column) => sql`${sql.ref(`x.${column}`)} = ${sql.ref(`s.${column}`)}`),
      sql` and `,
    );
    await sql`
      update ${t(table)} x set negative = s.negative, replied = s.replied
      from (
        select ${columns}, count(*) filter (where f.negative) as negative,
               count(*) filter (where f.negative and rr.rating_id is not null) as replied
        from ${t('rating_facts')} f left join ${t('rating_replies')} rr on rr.rating_id = f.rating_id
        group by ${columns}
      ) s
      where ${matches}`.execute(db);
    // The view's columns were fixed when it was made: name the new ones too.
    await sql`create or replace view ${sql.id('app', table)} as select * from ${t(table)}`.execute(db);
  }
  for (const table of ['warning_ratings', 'rating_replies'])
    await sql`create view ${sql.id('app', table)} as select * from ${t(table)}`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  const schema = await activeSchema(db);
  for (const table of ['warning_ratings', 'rating_replies']) {
    await sql`drop view if exists ${sql.id('app', table)}`.execute(db);
    await sql`drop table if exists ${sql.id(schema, table)}`.execute(db);
  }
  for (const table of Object.keys(levelRollups)) {
    await sql`drop view if exists ${sql.id('app', table)}`.execute(db);
    await sql`alter table ${sql.id(schema, table)} drop column if exists negative, drop column if exists replied`.execute(db);
    await sql`create view ${sql.id('app', table)} as select * from ${sql.id(schema, table)}`.execute(db);
  }
}
