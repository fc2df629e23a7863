import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { Rate } from '../metrics/definitions.ts';
import { negativeRate, rate } from '../metrics/definitions.ts';
import type { RatingFilter } from './filters.ts';
import { filterWithin, ratingConditions } from './filters.ts';

export interface RecurringProblem {
  readonly matterCode: string;
  readonly matterName: string;
  /** Window codes repeat across halls (every hall has a 1号窗口): the hall says which one. */
  readonly hallCode: string;
  readonly hallName: string;
  readonly windowCode: string;
  readonly windowName: string;
  readonly reason: string;
  readonly occurrences: number;
  /** Who owns the improvement item: the department responsible for the matter at that window. */
  readonly ownerDepartment: string;
  readonly firstDay: string;
  readonly lastDay: string;
  /** The ratings behind it (drill-down), oldest first, at most 50. */
  readonly ratingIds: readonly string[];
}

const dayMinus = (day: string, days: number): string =>
  new Date(Date.parse(`${day}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);

/**
 * 周期性问题 / 改进事项: the same reason chosen for the same matter at the same window at least
 * `threshold` times in the `days` days ending on `asOf` (Beijing days, inclusive).
 */
export const recurringProblems = async (
  db: Kysely<unknown>,
  options: { readonly asOf: string; readonly days: number; readonly threshold: number },
): Promise<RecurringProblem[]> => {
  if (!Number.isInteger(options.days) || options.days < 1)
    throw new RangeError('days must be a positive integer');
  if (!Number.isInteger(options.threshold) || options.threshold < 1)
    throw new RangeError('threshold must be a positive integer');
  const from = dayMinus(options.asOf, options.days - 1);
  const { rows } = await sql<{
    matter_code: string;
    matter_name: string;
    hall_code: string;
    hall_name: string;
    window_code: string;
    window_name: string;
    reason: string;
    occurrences: number;
    owner_department: string;
    first_day: string;
    last_day: string;
    rating_ids: string[];
  }>`
    select matter_code, max(matter_name) as matter_name, hall_code, max(hall_name) as hall_name,
           window_code, max(window_name) as window_name, reason,
           count(*)::int as occurrences, mode() within group (order by department_code) as owner_department,
           min(day_key) as first_day, max(day_key) as last_day,
           (array_agg(rating_id order by submitted_at, rating_id))[1:50] as rating_ids
    from app.rating_facts, unnest(reasons) as reason
    where day_key between ${from} and ${options.asOf}
    group by matter_code, hall_code, window_code, reason
    having count(*) >= ${options.threshold}
    order by occurrences desc, matter_code, hall_code, window_code, reason`.execute(db);
  return rows.map((row) => ({
    matterCode: row.matter_code,
    matterName: row.matter_name,
    hallCode: row.hall_code,
    hallName: row.hall_name,
    windowCode: row.window_code,
    windowName: row.window_name,
    reason: row.reason,
    occurrences: row.occurrences,
    ownerDepartment: row.owner_department,
    firstDay: row.first_day,
    lastDay: row.last_day,
    ratingIds: row.rating_ids,
  }));
};

export interface HeatCell {
  /** 1 = Monday … 7 = Sunday */
  readonly weekday: number;
  readonly hour: number;
  readonly rated: number;
  readonly negative: number;
  readonly negativeRate: Rate;
}

/** Weekday × hour (Beijing time) of ratings and their negative rate: the periodic-pattern heatmap. */
export const weekdayHourHeatmap = async (
  db: Kysely<unknown>,
  filter: RatingFilter = {},
): Promise<HeatCell[]> => {
  type Row = { weekday: number; hour: number; rated: number; negative: number };
  // The hour rollups have the department (and the channel): a district's, a department's or one
  // channel's heatmap sums them instead of counting the facts.
  const rollup = filterWithin(filter, ['department'])
    ? 'ratings_by_day_hour'
    : filterWithin(filter, ['department', 'channel', 'channelGroup'])
      ? 'ratings_by_day_hour_channel'
      : null;
  const { rows } = rollup
    ? await sql<Row>`
        select weekday, hour, sum(rated)::int as rated, sum(negative)::int as negative
        from ${sql.table(`app.${rollup}`)} where ${ratingConditions(filter)}
        group by weekday, hour order by weekday, hour`.execute(db)
    : await sql<Row>`
        select weekday, hour, count(*)::int as rated, count(*) filter (where level <= 2)::int as negative
        from app.rating_facts where ${ratingConditions(filter)}
        group by weekday, hour order by weekday, hour`.execute(db);
  return rows.map((row) => ({
    weekday: row.weekday,
    hour: row.hour,
    rated: row.rated,
    negative: row.negative,
    negativeRate: rate(row.negative, row.rated),
  }));
};

export interface StepRanking {
  readonly matterCode: string;
  readonly matterName: string;
  readonly stage: string;
  readonly negatives: number;
  readonly negativeRate: Rate;
}

/** The business steps (matter × stage) with the most negative ratings. */
export const worstSteps = async (
  db: Kysely<unknown>,
  options: { readonly filter?: RatingFilter; readonly limit?: number } = {},
): Promise<StepRanking[]> => {
  const { rows } = await sql<{
    matter_code: string;
    matter_name: string;
    stage: string;
    l1: number;
    l2: number;
    l3: number;
    l4: number;
    l5: number;
  }>`
    select matter_code, max(matter_name) as matter_name, stage,
           count(*) filter (where level = 1)::int as l1, count(*) filter (where level = 2)::int as l2,
           count(*) filter (where level = 3)::int as l3, count(*) filter (where level = 4)::int as l4,
           count(*) filter (where level = 5)::int as l5
    from app.rating_facts where ${ratingConditions(options.filter ?? {})}
    group by matter_code, stage
    having count(*) filter (where level <= 2) > 0
    order by count(*) filter (where level <= 2) desc, matter_code, stage
    limit ${Math.min(options.limit ?? 10, 100)}`.execute(db);
  return rows.map((row) => ({
    matterCode: row.matter_code,
    matterName: row.matter_name,
    stage: row.stage,
    negatives: row.l1 + row.l2,
    negativeRate: negativeRate.compute({ 1: row.l1, 2: row.l2, 3: row.l3, 4: row.l4, 5: row.l5 }),
  }));
};
