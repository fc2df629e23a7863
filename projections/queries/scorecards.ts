import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import * as v from 'valibot';
import type { OverridableMetric, ScoreOverride } from '../../core/appraisal/overrides.ts';
import type { AppraisalRules } from '../../core/appraisal/rules.ts';
import type { Rate } from '../metrics/definitions.ts';
import { onTimeDispatchRate, onTimeReplyRate, RANKING_MIN_RATINGS, rectificationCompletionRate } from '../metrics/definitions.ts';
import type { RatingSummary } from './ratings.ts';
import { keyEquals, keySql, labelSql, windowOf } from './filters.ts';
import { summarise } from './ratings.ts';

/**
 * 考核周期: a month '2025-10', a quarter '2025-Q4' or a year '2025' (Beijing calendar days), in the
 * years 1900–2999 (the database refuses year 0000 as a time: a 500 instead of the field named).
 */
export const AppraisalPeriodSchema = v.pipe(
  v.string(),
  v.regex(/^(19\d\d|2\d{3})(-(0[1-9]|1[0-2])|-Q[1-4])?$/, 'a month YYYY-MM, a quarter YYYY-Qn or a year YYYY'),
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

/**
 * The columns that name an appraised unit in the ratings and in the warnings, and its display name in
 * the ratings. A department is appraised on the warnings it leads; a window by its key, its hall's code
 * and its own ('SMZJ/W07', filters.ts `keySql`), since every hall has a 1号窗口.
 */
export const appraisalUnitColumns = {
  department: { rating: 'department_code', warning: 'lead_department', label: 'department_name' },
  window: { rating: ['hall_code', 'window_code'], warning: ['hall_code', 'window_code'], label: ['hall_name', 'window_name'] },
  staff: { rating: 'staff_id', warning: 'staff_id', label: 'staff_name' },
} as const;
export type AppraisalUnit = keyof typeof appraisalUnitColumns;

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
 * One warning's part of the rectification figures as it stood at `asOf` (`scorecardAsOf`), so that a
 * closed period gives the same numbers whenever it is read, the ones its 统计截止 stamp claims: closed
 * as rectified by then, dispatched or overdue by then, replied or overdue by then.
 *
 * The read model keeps no time for each reopening, nor for each reply between the first and the last,
 * so two parts are exact only until a reopening. A reopening comes with a failed call-back, so a
 * warning with no call-back by `asOf` had none then, and one closed by `asOf` had all it will ever
 * have. But a warning replied to and still open at the period's end counts its reopenings and the
 * replies of its later rounds as recorded when read, and the export's note says so: counting none of
 * them would hide the reopenings that did happen in the period. The first round's reply deadline is
 * gone once the warning is reopened, so one overdue at the period's end, replied only after it and
 * then reopened, is not counted as overdue.
 */
export const warningFiguresAsOf = (asOf: Date) => {
  const at = sql`${asOf.toISOString()}::timestamptz`;
  return sql`
    coalesce(outcome = 'rectified' and closed_at <= ${at}, false) as rectified_as_of,
    coalesce(dispatched_at <= ${at}, false) or dispatch_due_at < ${at} as dispatch_due_as_of,
    coalesce(dispatch_on_time and dispatched_at <= ${at}, false) as dispatch_on_time_as_of,
    (case when first_replied_at <= ${at} then replies else 0 end
      + case when reply_due_at < ${at} and (phase = 'awaiting_reply' or not coalesce(first_replied_at <= ${at}, false)) then 1 else 0 end) as reply_due_as_of,
    case when first_replied_at <= ${at} then replies_on_time else 0 end as reply_on_time_as_of,
    case when first_callback_at <= ${at} then reopen_count else 0 end as reopenings_as_of`;
};

/**
 * The counts behind an appraisal scorecard (考核) of departments, windows or staff for one period:
 * the rating rates without ratings excluded by an upheld appeal, and the rectification figures of
 * the warnings raised in the period as they stood at `scorecardAsOf`. Ratings by submission day,
 * warnings by raise day; a warning whose rating was excluded by an upheld appeal counts only under
 * `appealsUpheld`.
 */
export const scorecardRows = async (
  db: Kysely<unknown>,
  options: { readonly unit: AppraisalUnit; readonly period: string; readonly now: Date },
): Promise<ScorecardRow[]> => {
  const { from, to } = periodDays(options.period);
  const column = appraisalUnitColumns[options.unit];
  const asOf = scorecardAsOf(options.period, options.now);
  const { rows: ratings } = await sql<{
    unit: string;
    l1: number;
    l2: number;
    l3: number;
    l4: number;
    l5: number;
    excluded: number;
  }>`
    select ${keySql(column.rating, 'r')} as unit,
           count(*) filter (where not x.excluded and r.level = 1)::int as l1, count(*) filter (where not x.excluded and r.level = 2)::int as l2,
           count(*) filter (where not x.excluded and r.level = 3)::int as l3, count(*) filter (where not x.excluded and r.level = 4)::int as l4,
           count(*) filter (where not x.excluded and r.level = 5)::int as l5, count(*) filter (where x.excluded)::int as excluded
    from app.rating_facts r
    cross join lateral (select exists (select 1 from app.warnings w where w.rating_id = r.rating_id and w.rating_excluded) as excluded) x
    where r.day_key between ${from} and ${to} and ${keySql(column.rating, 'r')} is not null
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
    select unit,
           count(*) filter (where not rating_excluded)::int as warnings,
           count(*) filter (where not rating_excluded and rectified_as_of)::int as rectified,
           count(*) filter (where not rating_excluded and dispatch_due_as_of)::int as dispatch_due,
           count(*) filter (where not rating_excluded and dispatch_on_time_as_of)::int as dispatch_on_time,
           coalesce(sum(reply_due_as_of) filter (where not rating_excluded), 0)::int as reply_due,
           coalesce(sum(reply_on_time_as_of) filter (where not rating_excluded), 0)::int as reply_on_time,
           coalesce(sum(reopenings_as_of) filter (where not rating_excluded), 0)::int as reopenings,
           count(*) filter (where appeal_status = 'upheld')::int as appeals_upheld
    from (select ${keySql(column.warning)} as unit, rating_excluded, appeal_status, ${warningFiguresAsOf(asOf)}
          from app.warnings
          where raised_day_key between ${from} and ${to} and ${keySql(column.warning)} is not null) w
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

/** Where a Beijing-time period ends: 00:00 (UTC+8) of the day after its last day. */
export const periodEnd = (period: string): Date => new Date(Date.parse(`${periodDays(period).to}T00:00:00+08:00`) + 86_400_000);

/**
 * The moment a scorecard's figures are counted at (统计截止): the end of its period once the period is
 * over, so a closed period's figures do not move with the clock, `now` while it runs. 评先资格 is
 * judged warning by warning instead (`rectificationStatus`).
 */
export const scorecardAsOf = (period: string, now: Date): Date => {
  const end = periodEnd(period);
  return now.getTime() < end.getTime() ? now : end;
};

/** One warning as the eligibility rule sees it (申诉成立 ones are left out before this). */
export type RectificationStatus = 'rectified' | 'unrectified' | 'pending';

export interface AppraisedWarning {
  readonly warningId: string;
  readonly raisedAt: string;
  readonly status: RectificationStatus;
  readonly reopenings: number;
  readonly outcome: string | null;
  readonly closedAt: string | null;
}

/**
 * 未整改 under the appraisal rules: not closed as rectified within `rectifyWithinDays` of being raised,
 * or reopened after a failed call-back check when the rules say that counts. A warning is judged at its
 * own deadline once that has passed, even when it falls after the period's end: judged at the period's
 * end, a warning raised in the period's last `rectifyWithinDays` days would stay pending there for good,
 * and the next period takes only its own warnings, so it would never count. Until then it is judged at
 * `now`. After the deadline the answer no longer changes: a warning closed by then had all its
 * reopenings before (closing is final), and any other is unrectified whatever comes later.
 */
export const rectificationStatus = (
  warning: { readonly raisedAtMs: number; readonly closedAtMs: number | null; readonly outcome: string | null; readonly reopenings: number },
  rules: AppraisalRules,
  now: Date,
): RectificationStatus => {
  if (rules.unrectified.reopenedCountsAsUnrectified && warning.reopenings > 0) return 'unrectified';
  const deadline = warning.raisedAtMs + rules.unrectified.rectifyWithinDays * 86_400_000;
  const cutoff = Math.min(deadline, now.getTime());
  if (warning.outcome === 'rectified' && warning.closedAtMs !== null && warning.closedAtMs <= cutoff) return 'rectified';
  return now.getTime() >= deadline ? 'unrectified' : 'pending';
};

export interface AwardEligibility {
  /** False: 取消评先资格 for the period. */
  readonly eligible: boolean;
  readonly limit: number;
  /** The longest run of consecutive unrectified warnings (pending ones neither extend nor break it). */
  readonly longestRun: number;
  /** The warnings of the first run that reached the limit, in raise order (empty when eligible). */
  readonly causes: readonly string[];
}

/** 连续 N 条预警未整改 → 取消评先资格, over a unit's warnings in raise order. */
export const awardEligibility = (warnings: readonly AppraisedWarning[], rules: AppraisalRules): AwardEligibility => {
  const limit = rules.consecutiveUnrectifiedLimit;
  let run: string[] = [];
  let longestRun = 0;
  let causes: string[] = [];
  for (const warning of warnings) {
    if (warning.status === 'pending') continue;
    if (warning.status === 'rectified') {
      run = [];
      continue;
    }
    run = [...run, warning.warningId];
    longestRun = Math.max(longestRun, run.length);
    if (run.length >= limit && (causes.length === 0 || causes[0] === run[0])) causes = run;
  }
  return { eligible: causes.length === 0, limit, longestRun, causes };
};

const unitRef = (unit: AppraisalUnit) => keySql(appraisalUnitColumns[unit].warning);

/** The unit's warnings of the period with their 未整改 status, in raise order; 申诉成立 ones left out. */
export const appraisedWarnings = async (
  db: Kysely<unknown>,
  options: { readonly unit: AppraisalUnit; readonly period: string; readonly now: Date; readonly rules: AppraisalRules; readonly only?: string },
): Promise<Map<string, AppraisedWarning[]>> => {
  const { from, to } = periodDays(options.period);
  const { rows } = await sql<{
    unit: string;
    warning_id: string;
    raised_ms: number;
    closed_ms: number | null;
    outcome: string | null;
    reopen_count: number;
  }>`
    select ${unitRef(options.unit)} as unit, warning_id, (extract(epoch from raised_at) * 1000)::float8 as raised_ms,
           (extract(epoch from closed_at) * 1000)::float8 as closed_ms, outcome, reopen_count
    from app.warnings
    where raised_day_key between ${from} and ${to} and ${unitRef(options.unit)} is not null
      and not rating_excluded and appeal_status <> 'upheld'
      ${options.only === undefined ? sql`` : sql`and ${keyEquals(appraisalUnitColumns[options.unit].warning, options.only)}`}
    order by raised_at, warning_id`.execute(db);
  const byUnit = new Map<string, AppraisedWarning[]>();
  for (const row of rows) {
    const raisedAtMs = Number(row.raised_ms);
    const closedAtMs = row.closed_ms === null ? null : Number(row.closed_ms);
    const list = byUnit.get(row.unit) ?? [];
    list.push({
      warningId: row.warning_id,
      raisedAt: new Date(raisedAtMs).toISOString(),
      status: rectificationStatus({ raisedAtMs, closedAtMs, outcome: row.outcome, reopenings: row.reopen_count }, options.rules, options.now),
      reopenings: row.reopen_count,
      outcome: row.outcome,
      closedAt: closedAtMs === null ? null : new Date(closedAtMs).toISOString(),
    });
    byUnit.set(row.unit, list);
  }
  return byUnit;
};

/** The name of each unit as the rating subjects give it (departments, halls' windows, staff display names). */
const unitLabels = async (db: Kysely<unknown>, unit: AppraisalUnit): Promise<Map<string, string>> => {
  const { rows } = await sql<{ unit: string; label: string | null }>`
    select ${keySql(appraisalUnitColumns[unit].rating)} as unit, ${labelSql(appraisalUnitColumns[unit].label)} as label
    from app.rating_facts where ${keySql(appraisalUnitColumns[unit].rating)} is not null group by 1`.execute(db);
  return new Map(rows.filter((row) => row.label !== null).map((row) => [row.unit, row.label!]));
};

/**
 * The scorecard row an override belongs to. Overrides of windows recorded before windows had keys
 * name a bare window code ('W07'): such an override belongs to the period's one window of that code,
 * and to none when several halls have one (the override stays in its stream for the audit trail).
 */
export const overriddenUnit = (kind: AppraisalUnit, unit: string, rowUnits: readonly string[]): string | null => {
  if (kind !== 'window' || windowOf(unit).hall !== null) return unit;
  const matches = rowUnits.filter((candidate) => windowOf(candidate).window === unit);
  return matches.length === 1 ? matches[0]! : null;
};

/** A scorecard line: the computed figures, 评先资格 with the warnings behind a loss, and the overrides in force. */
export interface ScorecardLine extends ScorecardRow {
  readonly label: string | null;
  readonly eligibility: AwardEligibility;
  readonly overrides: Partial<Record<OverridableMetric, ScoreOverride>>;
}

export interface Scorecard {
  readonly unitKind: AppraisalUnit;
  readonly period: string;
  /** 统计截止: the moment the figures are counted at (the period's end once it is over). */
  readonly asOf: string;
  /**
   * 评先资格 judges each warning at its own rectification deadline, which for the period's last
   * warnings comes after the period's end: from this moment (the end plus the days to rectify) none is
   * pending any more and eligibility no longer changes.
   */
  readonly eligibilityFinalAt: string;
  /** Units with fewer ratings are listed but not ranked by 好评率 (RANKING_MIN_RATINGS, as in the bulletin). */
  readonly rankingMinRatings: number;
  readonly closed: boolean;
  readonly rulesVersion: number;
  readonly rules: AppraisalRules;
  readonly rows: readonly ScorecardLine[];
}

/**
 * The appraisal scorecard (考核表) of a period: `scorecardRows` plus award eligibility under the
 * appraisal rules in force and the officers' overrides (shown beside the computed values, never
 * replacing them). Rules and overrides come from their event streams (core/appraisal).
 */
export const appraisalScorecard = async (
  db: Kysely<unknown>,
  options: {
    readonly unit: AppraisalUnit;
    readonly period: string;
    readonly now: Date;
    readonly rules: { readonly version: number; readonly value: AppraisalRules };
    readonly overrides?: Readonly<Record<string, ScoreOverride>>;
  },
): Promise<Scorecard> => {
  const end = periodEnd(options.period);
  const [rows, warnings, labels] = await Promise.all([
    scorecardRows(db, options),
    appraisedWarnings(db, { unit: options.unit, period: options.period, now: options.now, rules: options.rules.value }),
    unitLabels(db, options.unit),
  ]);
  const overrides = Object.values(options.overrides ?? {});
  const rowUnits = rows.map((row) => row.unit);
  return {
    unitKind: options.unit,
    period: options.period,
    asOf: scorecardAsOf(options.period, options.now).toISOString(),
    eligibilityFinalAt: new Date(end.getTime() + options.rules.value.unrectified.rectifyWithinDays * 86_400_000).toISOString(),
    closed: options.now.getTime() >= end.getTime(),
    rankingMinRatings: RANKING_MIN_RATINGS,
    rulesVersion: options.rules.version,
    rules: options.rules.value,
    rows: rows.map((row) => ({
      ...row,
      label: labels.get(row.unit) ?? null,
      eligibility: awardEligibility(warnings.get(row.unit) ?? [], options.rules.value),
      overrides: Object.fromEntries(
        overrides.filter((o) => overriddenUnit(options.unit, o.unit, rowUnits) === row.unit).map((o) => [o.metric, o]),
      ),
    })),
  };
};
