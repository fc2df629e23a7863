import type { Kysely } from 'kysely';
import { sql } from 'kysely';

// Frozen: 差评回复率 leaves out the 差评 that an upheld appeal (申诉成立) excludes, answered or not, as
// the appraisal does; until now such a 差评 closed before any reply stayed in the denominator as
// unanswered for good. The ratings projection keeps, per warning, whether an upheld appeal excludes
// its rating (`warning_ratings.rating_excluded`, from AppealReviewed / WarningClosed with
// ratingExcludedFromAppraisal) and the query subtracts those 差评 from the roll-ups' counts; the
// roll-ups themselves keep their shape. Like 0508 this goes into the schema of the version that is
// serving, filled from the warning events of the Postgres event store and from the warnings read model
// (which holds them when the events live in EventStoreDB). Only the flag is set: a row the projection
// has not reached yet gets the rest when it does (its merge keeps the first rating, answered stays
// answered, excluded stays excluded), so running this again, or before the projection catches up,
// changes nothing a rebuild would not give.

export async function up(db: Kysely<unknown>): Promise<void> {
  const { rows } = await sql<{ version: number }>`
    select version from app.projection_active where projection = 'ratings'`.execute(db);
  const schema = `rm_ratings_v${rows[0]?.version ?? 1}`;
  const t = (table: string) => sql.id(schema, table);
  await sql`alter table ${t('warning_ratings')} add column if not exists rating_excluded boolean not null default false`.execute(db);
  await sql`
    insert into ${t('warning_ratings')} (warning_id, rating_id, replied, rating_excluded)
    select substr(stream_id, length('warning-') + 1),
           max(data -> 'source' ->> 'ratingEventId') filter (where event_type = 'WarningRaised'),
           false, true
    from eventstore.events
    where stream_category = 'warning' and event_type in ('WarningRaised', 'AppealReviewed', 'WarningClosed')
    group by stream_id
    having bool_or(event_type in ('AppealReviewed', 'WarningClosed') and coalesce((data ->> 'ratingExcludedFromAppraisal')::boolean, false))
    on conflict (warning_id) do update
      set rating_id = coalesce(warning_ratings.rating_id, excluded.rating_id), rating_excluded = true`.execute(db);
  await sql`
    insert into ${t('warning_ratings')} (warning_id, rating_id, replied, rating_excluded)
    select warning_id, rating_id, false, true from app.warnings where rating_excluded
    on conflict (warning_id) do update
      set rating_id = coalesce(warning_ratings.rating_id, excluded.rating_id), rating_excluded = true`.execute(db);
  // The reply rate reads the excluded ratings (a handful) first.
  await sql`
    create index if not exists warning_ratings_rating_excluded on ${t('warning_ratings')} (rating_id) where rating_excluded`.execute(db);
  // The view's columns were fixed when it was made: name the new one too.
  await sql`create or replace view ${sql.id('app', 'warning_ratings')} as select * from ${t('warning_ratings')}`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  const { rows } = await sql<{ version: number }>`
    select version from app.projection_active where projection = 'ratings'`.execute(db);
  const schema = `rm_ratings_v${rows[0]?.version ?? 1}`;
  await sql`drop view if exists ${sql.id('app', 'warning_ratings')}`.execute(db);
  await sql`drop index if exists ${sql.id(schema, 'warning_ratings_rating_excluded')}`.execute(db);
  await sql`alter table ${sql.id(schema, 'warning_ratings')} drop column if exists rating_excluded`.execute(db);
  await sql`create view ${sql.id('app', 'warning_ratings')} as select * from ${sql.id(schema, 'warning_ratings')}`.execute(db);
}
