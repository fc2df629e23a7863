import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { Rate } from '../metrics/definitions.ts';
import { rate } from '../metrics/definitions.ts';
import type { RatingFilter } from './filters.ts';
import { filterWithin, ratingConditions } from './filters.ts';

export interface IndicatorScore {
  readonly code: string;
  readonly category: string;
  /** How many ratings answered the item (a variant may not ask every item). */
  readonly answers: number;
  /** Mean of the five levels, null when nobody answered. */
  readonly meanLevel: number | null;
  /** Share answering 非常满意 or 满意. */
  readonly goodRate: Rate;
}

/** Scores of each indicator item (the radar of the 12 items), answered items only. */
export const indicatorScores = async (
  db: Kysely<unknown>,
  filter: RatingFilter = {},
): Promise<IndicatorScore[]> => {
  type Row = { code: string; category: string; answers: number; level_sum: number; good: number };
  const places = ['department', 'matter', 'hall', 'window'] as const;
  const channels = ['channel', 'channelGroup'] as const;
  /** Filters the answers cannot apply themselves: they are their rating's (staff, channel, …). */
  const ofRating = [...channels, 'staff', 'applicantType', 'enterpriseType', 'stage'] as const;
  // The indicator rollups have the department, and the channel or the staff member: a district's, a
  // department's, one channel's or one staff member's radar sums them; any other filter counts the
  // answers, joined to their rating if need be.
  const candidates = [
    { table: 'indicators_by_day', columns: ['department'] },
    { table: 'indicators_by_day_channel', columns: ['department', ...channels] },
    { table: 'indicators_by_day_staff', columns: ['department', 'staff'] },
  ] as const;
  const rollup = candidates.find(({ columns }) => filterWithin(filter, columns));
  const joinRating = ofRating.some((dimension) => filter[dimension] !== undefined);
  const { rows } = rollup
    ? await sql<Row>`
        select code, max(category) as category, sum(answers)::int as answers, sum(level_sum)::int as level_sum,
               sum(good)::int as good
        from ${sql.table(`app.${rollup.table}`)}
        where ${ratingConditions(filter, { only: rollup.columns })}
        group by code order by code`.execute(db)
    : await sql<Row>`
        select a.code, max(a.category) as category, count(*)::int as answers, sum(a.level)::int as level_sum,
               count(*) filter (where a.level >= 4)::int as good
        from app.indicator_answers a ${joinRating ? sql`join app.rating_facts r on r.rating_id = a.rating_id` : sql``}
        where ${ratingConditions(filter, { alias: 'a', only: places })}
          ${joinRating ? sql`and ${ratingConditions(filter, { alias: 'r', only: ofRating })}` : sql``}
        group by a.code order by a.code`.execute(db);
  return rows.map((row) => ({
    code: row.code,
    category: row.category,
    answers: row.answers,
    meanLevel: row.answers === 0 ? null : row.level_sum / row.answers,
    goodRate: rate(row.good, row.answers),
  }));
};
