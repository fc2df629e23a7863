import type { Kysely } from 'kysely';
import { sql } from 'kysely';

// Frozen: a 差评 in the ratings read model is 不满意 or 非常不满意 (projections/metrics/definitions.ts,
// isBadRating), as in the 差评率. Until now `rating_facts.negative` copied the rating event's own flag,
// which a reason such as 办事体验一般 also sets at 基本满意: the 差评 list and 差评回复率 then counted
// ratings that the 差评率 did not. The serving version's facts are corrected in place and the three
// level roll-ups count their 差评 and answered 差评 again from the facts (as 0508 first filled them).
// The hour roll-ups already counted level ≤ 2.
const levelRollups = {
  ratings_by_day_channel: ['day_key', 'department_code', 'channel'],
  ratings_by_day_place: ['day_key', 'department_code', 'matter_code', 'hall_code', 'window_code'],
  ratings_by_day_matter_channel: ['day_key', 'department_code', 'matter_code', 'channel'],
} as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  const { rows } = await sql<{ version: number }>`
    select version from app.projection_active where projection = 'ratings'`.execute(db);
  const schema = `rm_ratings_v${rows[0]?.version ?? 1}`;
  const t = (table: string) => sql.id(schema, table);
  const changed = await sql`update ${t('rating_facts')} set negative = (level <= 2) where negative <> (level <= 2)`.execute(db);
  if (Number(changed.numAffectedRows ?? 0) === 0) return;
  for (const [table, key] of Object.entries(levelRollups)) {
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
      where ${matches} and (x.negative, x.replied) is distinct from (s.negative, s.replied)`.execute(db);
  }
}

export async function down(): Promise<void> {
  // The corrected counts stay: the earlier ones were the defect.
}
