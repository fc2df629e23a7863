import type { Kysely } from 'kysely';
import { sql } from 'kysely';

// Frozen: partial indexes over the negative ratings (差评, a few percent of the facts), for the
// dashboard reads that walked every rating of their scope at 10M events:
// - the negative ratings newest first (the drill-down's "差评" list), of the district and of a
//   department: a page reads its own rows, not every negative rating of the period sorted;
// - a staff member's negative ratings by day (差评回复率 with a staff filter, which no roll-up has).
// They go into the schema of the version that is serving; a rebuild clones them with its tables.
const indexes = ['rating_facts_negative_newest', 'rating_facts_department_negative_newest', 'rating_facts_staff_negative_day'] as const;

const activeSchema = async (db: Kysely<unknown>): Promise<string> => {
  const { rows } = await sql<{ version: number }>`
    select version from app.projection_active where projection = 'ratings'`.execute(db);
  return `rm_ratings_v${rows[0]?.version ?? 1}`;
};

export async function up(db: Kysely<unknown>): Promise<void> {
  const facts = sql.id(await activeSchema(db), 'rating_facts');
  await sql`create index rating_facts_negative_newest on ${facts} (submitted_at desc, rating_id) where negative`.execute(db);
  await sql`create index rating_facts_department_negative_newest on ${facts} (department_code, submitted_at desc, rating_id) where negative`.execute(db);
  await sql`create index rating_facts_staff_negative_day on ${facts} (staff_id, day_key) where negative`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  const schema = await activeSchema(db);
  for (const index of indexes) await sql`drop index if exists ${sql.id(schema, index)}`.execute(db);
}
