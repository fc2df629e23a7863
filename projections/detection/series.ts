import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { Period, RatingFilter } from '../queries/filters.ts';
import { periods, ratingConditions } from '../queries/filters.ts';
import type { PeriodCount } from './early-warning.ts';

export interface DepartmentMatterSeries {
  readonly department: string;
  readonly matter: string;
  /** Periods in order; a period without ratings is absent (the chart leaves it unchanged). */
  readonly series: readonly PeriodCount[];
}

/** Ratings and 差评 per period for every department × matter: the input of `qualityTrends`. */
export const negativeRateSeries = async (
  db: Kysely<unknown>,
  options: { readonly period: Period; readonly filter?: RatingFilter },
): Promise<DepartmentMatterSeries[]> => {
  const { rows } = await sql<{
    department: string;
    matter: string;
    period: string;
    rated: number;
    negative: number;
  }>`
    select department_code as department, matter_code as matter, ${sql.ref(periods[options.period])} as period,
           count(*)::int as rated, count(*) filter (where level <= 2)::int as negative
    from app.rating_facts where ${ratingConditions(options.filter ?? {})}
    group by 1, 2, 3 order by 1, 2, 3`.execute(db);
  const groups = new Map<string, { department: string; matter: string; series: PeriodCount[] }>();
  for (const row of rows) {
    const key = `${row.department}\u0000${row.matter}`;
    const group = groups.get(key) ?? { department: row.department, matter: row.matter, series: [] };
    group.series.push({ period: row.period, rated: row.rated, negative: row.negative });
    groups.set(key, group);
  }
  return [...groups.values()];
};
