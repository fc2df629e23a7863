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
  // The indicator rollup has the department: a district's or a department's radar sums it instead.
  const { rows } = filterWithin(filter, ['department'], places)
    ? await sql<Row>`
        select code, max(category) as category, sum(answers)::int as answers, sum(level_sum)::int as level_sum,
               sum(good)::int as good
        from app.indicators_by_day
        where ${ratingConditions(filter, { only: ['department'] })}
        group by code order by code`.execute(db)
    : await sql<Row>`
        select code, max(category) as category, count(*)::int as answers, sum(level)::int as level_sum,
               count(*) filter (where level >= 4)::int as good
        from app.indicator_answers
        where ${ratingConditions(filter, { only: places })}
        group by code order by code`.execute(db);
  return rows.map((row) => ({
    code: row.code,
    category: row.category,
    answers: row.answers,
    meanLevel: row.answers === 0 ? null : row.level_sum / row.answers,
    goodRate: rate(row.good, row.answers),
  }));
};
