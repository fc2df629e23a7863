import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import * as v from 'valibot';
import type { Rate } from '../metrics/definitions.ts';
import { onTimeDispatchRate, onTimeReplyRate, rectificationCompletionRate } from '../metrics/definitions.ts';
import type { RatingSummary } from './ratings.ts';
import { summarise } from './ratings.ts';

/** 考核周期: a month '2025-10', a quarter '2025-Q4' or a year '2025' (Beijing calendar days). */
export const AppraisalPeriodSchema = v.pipe(
  v.string(),
  v.regex(/^\d{4}(-(0[1-9]|1[0-2])|-Q[1-4])?$/, 'a month YYYY-MM, a quarter YYYY-Qn or a year YYYY'),
);

/** First and last day (inclusive) of an appraisal period. */
export const periodDays = (period: string): { from: string; to: string } => {
  const parsed = v.parse(AppraisalPeriodSchema, period);
  const year = Number(parsed.slice(0, 4));
  const [firstMonth, lastMonth] =
    parsed.length === 4
      ? [1, 12]
      : parsed[5] === 'Q'
        ? [3 * Number(parsed[6]) - 2, 3 * Number(parsed[6])]
        : [Number(parsed.slice(5)), Number(parsed.slice(5))];
  const lastDay = new Date(Date.UTC(year, lastMonth, 0)).getUTCDate();
  const pad = (n: number) => String(n).padStart(2, '0');
  return { from: `${year}-${pad(firstMonth)}-01`, to: `${year}-${pad(lastMonth)}-${pad(lastDay)}` };
};

const units = {
  department: { rating: 'department_code', warning: 'lead_department' },
  window: { rating: 'window_code', warning: 'window_code' },
  staff: { rating: 'staff_id', warning: 'staff_id' },
} as const;
export type AppraisalUnit = keyof typeof units;

export interface ScorecardRow extends RatingSummary {
  readonly unit: string;
  /** Ratings left out because an appeal against them was upheld (申诉成立). */
  readonly excludedRatings: number;
  readonly warnings: number;
  readonly rectificationCompletionRate: Rate;
  readonly onTimeDispatchRate: Rate;
  readonly onTimeReplyRate: Rate;
  /** 重新整改: reopenings of the unit's warnings. */
  readonly reopenings: number;
  readonly appealsUpheld: number;
}

/**
 * The counts behind an appraisal scorecard (考核) of departments, windows or staff for one period:
 * the rating rates without ratings excluded by an upheld appeal, and the rectification figures of
 * the warnings raised in the period. Ratings by submission day, warnings by raise day; a warning whose
 * rating was excluded by an upheld appeal counts only under `appealsUpheld`.
 */
export const scorecardRows = async (
  db: Kysely<unknown>,
  options: { readonly unit: AppraisalUnit; readonly period: string; readonly now: Date },
): Promise<ScorecardRow[]> => {
  const { from, to } = periodDays(options.period);
  const column = units[options.unit];
  const now = options.now.toISOString();
  const { rows: ratings } = await sql<{
    unit: string;
    l1: number;
    l2: number;
    l3: number;
    l4: number;
    l5: number;
    excluded: number;
  }>`
    select ${sql.ref(`r.${column.rating}`)} as unit,
           count(*) filter (where not x.excluded and r.level = 1)::int as l1, count(*) filter (where not x.excluded and r.level = 2)::int as l2,
           count(*) filter (where not x.excluded and r.level = 3)::int as l3, count(*) filter (where not x.excluded and r.level = 4)::int as l4,
           count(*) filter (where not x.excluded and r.level = 5)::int as l5, count(*) filter (where x.excluded)::int as excluded
    from app.rating_facts r
    cross join lateral (select exists (select 1 from app.warnings w where w.rating_id = r.rating_id and w.rating_excluded) as excluded) x
    where r.day_key between ${from} and ${to} and ${sql.ref(`r.${column.rating}`)} is not null
    group by 1`.execute(db);
  const { rows: warnings } = await sql<{
    unit: string;
    warnings: number;
    rectified: number;
    dispatch_due: number;
    dispatch_on_time: number;
    reply_due: number;
    reply_on_time: number;
    reopenings: number;
    appeals_upheld: number;
  }>`
    select ${sql.ref(column.warning)} as unit,
           count(*) filter (where not rating_excluded)::int as warnings,
           count(*) filter (where not rating_excluded and outcome = 'rectified')::int as rectified,
           count(*) filter (where not rating_excluded and (dispatched_at is not null or dispatch_due_at < ${now}::timestamptz))::int as dispatch_due,
           count(*) filter (where not rating_excluded and dispatch_on_time)::int as dispatch_on_time,
           (coalesce(sum(replies) filter (where not rating_excluded), 0)
             + count(*) filter (where not rating_excluded and phase = 'awaiting_reply' and reply_due_at < ${now}::timestamptz))::int as reply_due,
           coalesce(sum(replies_on_time) filter (where not rating_excluded), 0)::int as reply_on_time,
           coalesce(sum(reopen_count) filter (where not rating_excluded), 0)::int as reopenings,
           count(*) filter (where appeal_status = 'upheld')::int as appeals_upheld
    from app.warnings
    where raised_day_key between ${from} and ${to} and ${sql.ref(column.warning)} is not null
    group by 1`.execute(db);
  const byUnit = new Map(warnings.map((row) => [row.unit, row]));
  const keys = [...new Set([...ratings.map((row) => row.unit), ...warnings.map((row) => row.unit)])].sort();
  return keys.map((unit) => {
    const r = ratings.find((row) => row.unit === unit) ?? { l1: 0, l2: 0, l3: 0, l4: 0, l5: 0, excluded: 0 };
    const w = byUnit.get(unit) ?? {
      warnings: 0,
      rectified: 0,
      dispatch_due: 0,
      dispatch_on_time: 0,
      reply_due: 0,
      reply_on_time: 0,
      reopenings: 0,
      appeals_upheld: 0,
    };
    return {
      unit,
      ...summarise({ 1: r.l1, 2: r.l2, 3: r.l3, 4: r.l4, 5: r.l5 }),
      excludedRatings: r.excluded,
      warnings: w.warnings,
      rectificationCompletionRate: rectificationCompletionRate.compute({
        warnings: w.warnings,
        rectified: w.rectified,
      }),
      onTimeDispatchRate: onTimeDispatchRate.compute({ due: w.dispatch_due, onTime: w.dispatch_on_time }),
      onTimeReplyRate: onTimeReplyRate.compute({ due: w.reply_due, onTime: w.reply_on_time }),
      reopenings: w.reopenings,
      appealsUpheld: w.appeals_upheld,
    };
  });
};
