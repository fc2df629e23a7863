import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import * as v from 'valibot';
import type { SatisfactionLevel } from '../../core/questionnaire/types.ts';
import type { LevelCounts, Rate } from '../metrics/definitions.ts';
import { goodRate, negativeRate, ratedCount, satisfiedRate } from '../metrics/definitions.ts';
import type { Period, RatingDimension, RatingFilter } from './filters.ts';
import { filterWithin, keySql, labelSql, periods, ratingConditions, ratingDimensions } from './filters.ts';
import type { FilterDimension } from './filters.ts';

export interface RatingSummary {
  readonly levels: LevelCounts;
  readonly rated: number;
  readonly goodRate: Rate;
  readonly satisfiedRate: Rate;
  readonly negativeRate: Rate;
}

export interface RatingRollupRow extends RatingSummary {
  /** The period key ('2025-10-30', '2025-W44', '2025-10'), or null when not split by period. */
  readonly period: string | null;
  /** The dimension's code and display name, or null when not split by a dimension. */
  readonly key: string | null;
  readonly label: string | null;
}

interface LevelRow {
  period: string | null;
  key: string | null;
  label: string | null;
  l1: number;
  l2: number;
  l3: number;
  l4: number;
  l5: number;
}

export const summarise = (levels: LevelCounts): RatingSummary => ({
  levels,
  rated: ratedCount(levels),
  goodRate: goodRate.compute(levels),
  satisfiedRate: satisfiedRate.compute(levels),
  negativeRate: negativeRate.compute(levels),
});

const levelsOf = (row: Pick<LevelRow, 'l1' | 'l2' | 'l3' | 'l4' | 'l5'>): LevelCounts => ({
  1: row.l1,
  2: row.l2,
  3: row.l3,
  4: row.l4,
  5: row.l5,
});

const levelCounts = sql`
  count(*) filter (where level = 1)::int as l1, count(*) filter (where level = 2)::int as l2,
  count(*) filter (where level = 3)::int as l3, count(*) filter (where level = 4)::int as l4,
  count(*) filter (where level = 5)::int as l5`;

const rollupLevelCounts = sql`
  sum(l1)::int as l1, sum(l2)::int as l2, sum(l3)::int as l3, sum(l4)::int as l4, sum(l5)::int as l5`;

/** The day rollups of ratings (read-models/rollups.ts) and the dimensions each can filter and group by. */
export const dayRollups: readonly { readonly table: string; readonly dimensions: readonly FilterDimension[] }[] = [
  { table: 'ratings_by_day_channel', dimensions: ['department', 'channel', 'channelGroup'] },
  { table: 'ratings_by_day_place', dimensions: ['department', 'matter', 'hall', 'window'] },
  { table: 'ratings_by_day_matter_channel', dimensions: ['department', 'matter', 'channel', 'channelGroup'] },
];

/**
 * Ratings rolled up by a dimension (department, matter, hall, window, staff, channel, applicant or
 * enterprise type, stage) and/or a period (day, week, month in Beijing time), with the level counts
 * and the three rating rates. Sorted by period, then by the number of ratings (most first).
 */
export const ratingRollup = async (
  db: Kysely<unknown>,
  options: { readonly filter?: RatingFilter; readonly by?: RatingDimension; readonly period?: Period } = {},
): Promise<RatingRollupRow[]> => {
  const filter = options.filter ?? {};
  const dimension = options.by ? ratingDimensions[options.by] : null;
  const period = options.period ? sql.ref(periods[options.period]) : sql`null::text`;
  const key = dimension ? keySql(dimension.key) : sql`null::text`;
  const label = dimension ? labelSql(dimension.label) : sql`null::text`;
  // A day rollup holding every dimension filtered and grouped by gives the same counts from far fewer rows.
  const rollup = dayRollups.find(
    (candidate) =>
      filterWithin(filter, candidate.dimensions) && (!options.by || candidate.dimensions.includes(options.by)),
  );
  const { rows } = rollup
    ? await sql<LevelRow>`
        select ${period} as period, ${key} as key, ${label} as label, ${rollupLevelCounts}
        from ${sql.table(`app.${rollup.table}`)}
        where ${ratingConditions(filter)}
        group by 1, 2
        order by 1 nulls first, sum(l1 + l2 + l3 + l4 + l5) desc, 2`.execute(db)
    : await sql<LevelRow>`
        select ${period} as period, ${key} as key, ${label} as label, ${levelCounts}
        from app.rating_facts
        where ${ratingConditions(filter)}
        group by 1, 2
        order by 1 nulls first, count(*) desc, 2`.execute(db);
  return rows.map((row) => ({
    period: row.period,
    key: row.key,
    label: row.label,
    ...summarise(levelsOf(row)),
  }));
};

/** One summary for everything the filter selects. */
export const ratingSummary = async (
  db: Kysely<unknown>,
  filter: RatingFilter = {},
): Promise<RatingSummary> => {
  const [row] = await ratingRollup(db, { filter });
  return row ? summarise(row.levels) : summarise({ 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 });
};

export interface RatingListItem {
  readonly ratingId: string;
  readonly submittedAt: string;
  readonly level: SatisfactionLevel;
  readonly negative: boolean;
  readonly department: string;
  readonly matter: string;
  readonly hall: string;
  readonly window: string;
  readonly channel: string;
  readonly reasons: readonly string[];
  /** The citizen's comment with phone and ID numbers masked. */
  readonly comment: string | null;
  readonly attachments: number;
  /** Whether a warning naming the 差评 has been answered: given by the `replyRate` drill only. */
  readonly replied?: boolean;
}

/** What a chart can be clicked on, beyond the dashboard filter: a heatmap cell, a level, a radar item. */
export const RatingDrillSchema = v.strictObject({
  weekday: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(7))),
  hour: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(23))),
  level: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(5))),
  /** Ratings that answered this indicator item (at or below `indicatorLevelAtMost`, when given). */
  indicator: v.optional(v.pipe(v.string(), v.regex(/^[A-Z]{2}\d{2}$/, 'an indicator code such as SM01'))),
  indicatorLevelAtMost: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(5))),
  /**
   * The ratings behind the response funnel: the filter's period and channel are the invitation's
   * (issued on those days, through that channel), as the funnel counts them, not the rating's own
   * (an SMS invitation may be rated by scanning the window's QR: a qr_case rating).
   */
  invited: v.optional(v.boolean()),
  /**
   * The 差评 that 差评回复率 counts (rectificationRates, queries/warnings.ts): rated within the filter
   * (a department is the rated one, 办理部门, not the warning's lead), less those an upheld appeal
   * (申诉成立) excludes; each says whether it was answered (`replied`), the unanswered first.
   */
  replyRate: v.optional(v.boolean()),
});
export type RatingDrill = v.InferOutput<typeof RatingDrillSchema>;

/** A 差评 some answered warning names (read-models/rating-replies.ts), as 差评回复率 counts it. */
const answered = sql`exists (select 1 from app.rating_replies rr where rr.rating_id = rating_facts.rating_id)`;

const drillConditions = (drill: RatingDrill) => {
  const parts = [sql`true`];
  if (drill.replyRate) {
    parts.push(sql`negative`);
    // As rectificationRates leaves them out: the ratings an upheld appeal's warning names (a handful, a partial index).
    parts.push(sql`rating_facts.rating_id not in (select rating_id from app.warning_ratings where rating_excluded and rating_id is not null)`);
  }
  if (drill.weekday !== undefined) parts.push(sql`weekday = ${drill.weekday}`);
  if (drill.hour !== undefined) parts.push(sql`hour = ${drill.hour}`);
  if (drill.level !== undefined) parts.push(sql`level = ${drill.level}`);
  if (drill.indicator !== undefined) {
    const atMost =
      drill.indicatorLevelAtMost !== undefined ? sql`and a.level <= ${drill.indicatorLevelAtMost}` : sql``;
    parts.push(
      sql`exists (select 1 from app.indicator_answers a where a.rating_id = rating_facts.rating_id and a.code = ${drill.indicator} ${atMost})`,
    );
  }
  return sql.join(parts, sql` and `);
};

/**
 * The filter's days as instants (a Beijing day starts at 00:00 +08:00): the same rows as the day keys
 * select, stated so that the newest-first index can start at the end of the period.
 */
const submittedWithin = (filter: RatingFilter) => {
  const parts = [sql`true`];
  if (filter.from) parts.push(sql`submitted_at >= ${`${filter.from}T00:00:00+08:00`}::timestamptz`);
  if (filter.to) parts.push(sql`submitted_at < ${`${filter.to}T00:00:00+08:00`}::timestamptz + interval '24 hours'`);
  return sql.join(parts, sql` and `);
};

/**
 * The filter's conditions on the ratings: on the rating itself, or, for the funnel's drill-down
 * (`invited`), its period and channel on the invitation the rating answered.
 */
const ratedWithin = (filter: RatingFilter, drill: RatingDrill, negativeOnly: boolean) => {
  if (drill.invited) {
    const { from, to, channel, channelGroup, ...rest } = filter;
    const invitation = { from, to, channel, channelGroup };
    return sql`${ratingConditions(rest, { dayColumn: null })}
      and exists (select 1 from app.invitation_funnel f where f.invitation_id = rating_facts.invitation_id
                  and ${ratingConditions(invitation, { alias: 'f', dayColumn: 'issued_day_key', only: ['channel', 'channelGroup'] })})`;
  }
  return sql`${ratingConditions(filter, negativeOnly ? { dayColumn: null } : {})} and ${submittedWithin(filter)}`;
};

/**
 * The ratings behind a number (drill-down), newest first; `negativeOnly` lists the 差评清单, and the
 * `replyRate` drill the 差评 behind 差评回复率, unanswered first.
 */
export const ratingList = async (
  db: Kysely<unknown>,
  options: {
    readonly filter?: RatingFilter;
    readonly drill?: RatingDrill;
    readonly negativeOnly?: boolean;
    readonly limit?: number;
    readonly offset?: number;
  } = {},
): Promise<RatingListItem[]> => {
  const drill = options.drill ?? {};
  // Every drill that lists only 差评 states its period as instants only (see below).
  const negative = options.negativeOnly === true || drill.replyRate === true;
  const { rows } = await sql<{
    rating_id: string;
    submitted_at: string;
    level: number;
    negative: boolean;
    department_name: string;
    matter_name: string;
    hall_name: string;
    window_name: string;
    channel: string;
    reasons: string[];
    comment_masked: string | null;
    attachments: number;
    replied: boolean | null;
  }>`
    select rating_id, to_json(submitted_at) #>> '{}' as submitted_at, level, negative, department_name, matter_name, hall_name,
           window_name, channel, reasons, comment_masked, jsonb_array_length(attachments)::int as attachments,
           ${drill.replyRate ? answered : sql`null::boolean`} as replied
    from app.rating_facts
    -- A 差评 list states its period as instants only: as day keys too, it invites the 差评-by-day
    -- index, whose rows (every 差评 of a year) must all be sorted to find one page, instead of the
    -- 差评-newest-first ones (migration 0510).
    where ${ratedWithin(options.filter ?? {}, drill, negative)}
      and ${drillConditions(drill)} ${options.negativeOnly ? sql`and negative` : sql``}
    -- The column, not the text of the same name in the select list: the newest-first index serves it.
    order by ${drill.replyRate ? sql`${answered}, ` : sql``}rating_facts.submitted_at desc, rating_id
    limit ${Math.min(options.limit ?? 50, 500)} offset ${options.offset ?? 0}`.execute(db);
  return rows.map((row) => ({
    ratingId: row.rating_id,
    submittedAt: new Date(row.submitted_at).toISOString(),
    level: row.level as SatisfactionLevel,
    negative: row.negative,
    department: row.department_name,
    matter: row.matter_name,
    hall: row.hall_name,
    window: row.window_name,
    channel: row.channel,
    reasons: row.reasons,
    comment: row.comment_masked,
    attachments: row.attachments,
    ...(row.replied === null ? {} : { replied: row.replied }),
  }));
};
