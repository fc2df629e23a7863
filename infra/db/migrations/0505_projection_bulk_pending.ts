import type { Kysely } from 'kysely';
import { sql } from 'kysely';

// Frozen: the versions whose rebuild loaded their facts in bulk and has not yet derived the rest
// (projections/runtime/rebuild.ts). Whoever next runs such a version finishes it first, so a rebuild
// that dies halfway never leaves a live projector adding to roll-ups that lack the bulk part.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table app.projection_bulk_pending (
      schema_name text primary key,
      started_at  timestamptz not null default now()
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists app.projection_bulk_pending`.execute(db);
}
