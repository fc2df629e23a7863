import type { Kysely } from 'kysely';
import { sql } from 'kysely';

// Frozen: where a rebuild keeps the secondary indexes it dropped for its bulk load (projections/runtime/
// rebuild.ts), so that a rebuild that dies halfway gets them back when it is run again.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table app.projection_deferred_indexes (
      schema_name text not null,
      index_name  text not null,
      definition  text not null,
      primary key (schema_name, index_name)
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists app.projection_deferred_indexes`.execute(db);
}
