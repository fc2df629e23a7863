import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import * as v from 'valibot';
import { assertNever } from '../../core/decider/decider.ts';
import type { AppraisalRules } from '../../core/appraisal/rules.ts';
import type { AppraisalUnit, RectificationStatus } from '../queries/scorecards.ts';
import { keyEquals } from '../queries/filters.ts';
import {
  appraisalUnitColumns,
  appraisedWarnings,
  awardEligibility,
  periodDays,
  scorecardAsOf,
  warningFiguresAsOf,
} from '../queries/scorecards.ts';

/** The scorecard numbers one can open to see what is behind them (可解释, PIPL Art. 24). */
export const evidenceMetrics = [
  'rated',
  'good_rate',
  'satisfied_rate',
  'negative_rate',
  'excluded_ratings',
  'warnings',
  'rectification_completion_rate',
  'on_time_dispatch_rate',
  'on_time_reply_rate',
  'reopenings',
  'appeals_upheld',
  'award_eligible',
] as const;
export type EvidenceMetric = (typeof evidenceMetrics)[number];
export const EvidenceMetricSchema = v.picklist(evidenceMetrics);

/** A rating behind a number, with what it adds to the numerator and denominator (0 or 1 each). */
export interface RatingEvidence {
  readonly ratingId: string;
  readonly submittedAt: string;
  readonly level: number;
  readonly channel: string;
  /** The window's hall: every hall has a 1号窗口. */
  readonly hallName: string;
  readonly windowName: string;
  readonly matterName: string;
  /** Masked at projection time (core/pii never lets plain personal data into read models). */
  readonly comment: string | null;
  readonly excludedByAppeal: boolean;
  readonly numerator: number;
  readonly denominator: number;
}

/** A warning behind a number, with what it adds to the numerator and denominator. */
export interface WarningEvidence {
  readonly warningId: string;
  readonly raisedAt: string;
  readonly phase: string;
  readonly outcome: string | null;
  readonly closedAt: string | null;
  readonly dispatchOnTime: boolean | null;
  readonly replies: number;
  readonly repliesOnTime: number;
  readonly reopenings: number;
  readonly appealStatus: string;
  readonly ratingExcluded: boolean;
  /** 未整改 status under the appraisal rules (null when left out by an upheld appeal). */
  readonly rectification: RectificationStatus | null;
  /** For award eligibility: part of the run of unrectified warnings that cost it. */
  readonly causesIneligibility: boolean;
  readonly numerator: number;
  readonly denominator: number;
}

export interface ScorecardEvidence {
  readonly unitKind: AppraisalUnit;
  readonly unit: string;
  readonly period: string;
  readonly metric: EvidenceMetric;
  readonly ratings: readonly RatingEvidence[];
  readonly warnings: readonly WarningEvidence[];
}


const ratingCounts = (metric: EvidenceMetric, level: number, excluded: boolean): [number, number] | null => {
  switch (metric) {
    case 'rated':
      return excluded ? null : [1, 1];
    case 'good_rate':
      return excluded ? null : [level >= 4 ? 1 : 0, 1];
    case 'satisfied_rate':
      return excluded ? null : [level >= 3 ? 1 : 0, 1];
    case 'negative_rate':
      return excluded ? null : [level <= 2 ? 1 : 0, 1];
    case 'excluded_ratings':
      return excluded ? [1, 1] : null;
    case 'warnings':
    case 'rectification_completion_rate':
    case 'on_time_dispatch_rate':
    case 'on_time_reply_rate':
    case 'reopenings':
    case 'appeals_upheld':
    case 'award_eligible':
      return null;
    default:
      return assertNever(metric);
  }
};

/** What `warningFiguresAsOf` gives for one warning, with the columns that say whether it counts at all. */
interface WarningFacts {
  readonly rating_excluded: boolean;
  readonly appeal_status: string;
  readonly rectified_as_of: boolean;
  readonly dispatch_due_as_of: boolean;
  readonly dispatch_on_time_as_of: boolean;
  readonly reply_due_as_of: number;
  readonly reply_on_time_as_of: number;
  readonly reopenings_as_of: number;
}

/** Mirrors the counting of `scorecardRows`, warning by warning: the sums equal the scorecard's figures. */
const warningCounts = (metric: EvidenceMetric, w: WarningFacts): [number, number] | null => {
  if (metric === 'appeals_upheld') return w.appeal_status === 'upheld' ? [1, 1] : null;
  if (w.rating_excluded) return null;
  switch (metric) {
    case 'warnings':
      return [1, 1];
    case 'rectification_completion_rate':
      return [w.rectified_as_of ? 1 : 0, 1];
    case 'on_time_dispatch_rate':
      return w.dispatch_due_as_of ? [w.dispatch_on_time_as_of ? 1 : 0, 1] : null;
    case 'on_time_reply_rate':
      return w.reply_due_as_of > 0 ? [w.reply_on_time_as_of, w.reply_due_as_of] : null;
    case 'reopenings':
      return w.reopenings_as_of > 0 ? [w.reopenings_as_of, w.reopenings_as_of] : null;
    case 'award_eligible':
    case 'rated':
    case 'good_rate':
    case 'satisfied_rate':
    case 'negative_rate':
    case 'excluded_ratings':
      return null;
    default:
      return assertNever(metric);
  }
};

/** Unrectified over appraised warnings; a pending one is listed but counts in neither. */
const eligibilityCounts = (status: RectificationStatus | undefined): [number, number] | null =>
  status === undefined ? null : status === 'pending' ? [0, 0] : [status === 'unrectified' ? 1 : 0, 1];

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(Number(ms)).toISOString());

/**
 * The ratings and warnings behind one number of one unit's scorecard, each with what it adds to the
 * numerator and the denominator: summed, they give the figure on the scorecard.
 */
export const scorecardEvidence = async (
  db: Kysely<unknown>,
  options: {
    readonly unit: AppraisalUnit;
    readonly code: string;
    readonly period: string;
    readonly metric: EvidenceMetric;
    readonly now: Date;
    readonly rules: AppraisalRules;
  },
): Promise<ScorecardEvidence> => {
  const { from, to } = periodDays(options.period);
  const base = { unitKind: options.unit, unit: options.code, period: options.period, metric: options.metric };
  const ratingMetric = ['rated', 'good_rate', 'satisfied_rate', 'negative_rate', 'excluded_ratings'].includes(options.metric);
  if (ratingMetric) {
    const { rows } = await sql<{
      rating_id: string;
      submitted_ms: number;
      level: number;
      channel: string;
      hall_name: string;
      window_name: string;
      matter_name: string;
      comment_masked: string | null;
      excluded: boolean;
    }>`
      select r.rating_id, (extract(epoch from r.submitted_at) * 1000)::float8 as submitted_ms, r.level, r.channel,
             r.hall_name, r.window_name, r.matter_name, r.comment_masked,
             exists (select 1 from app.warnings w where w.rating_id = r.rating_id and w.rating_excluded) as excluded
      from app.rating_facts r
      where r.day_key between ${from} and ${to} and ${keyEquals(appraisalUnitColumns[options.unit].rating, options.code, 'r')}
      order by r.submitted_at, r.rating_id`.execute(db);
    const ratings: RatingEvidence[] = [];
    for (const row of rows) {
      const counts = ratingCounts(options.metric, row.level, row.excluded);
      if (!counts) continue;
      ratings.push({
        ratingId: row.rating_id,
        submittedAt: iso(row.submitted_ms)!,
        level: row.level,
        channel: row.channel,
        hallName: row.hall_name,
        windowName: row.window_name,
        matterName: row.matter_name,
        comment: row.comment_masked,
        excludedByAppeal: row.excluded,
        numerator: counts[0],
        denominator: counts[1],
      });
    }
    return { ...base, ratings, warnings: [] };
  }
  const appraised = (await appraisedWarnings(db, { ...options, only: options.code })).get(options.code) ?? [];
  const eligibility = awardEligibility(appraised, options.rules);
  const statusOf = new Map(appraised.map((w) => [w.warningId, w.status]));
  const { rows } = await sql<
    WarningFacts & {
      warning_id: string;
      raised_ms: number;
      closed_ms: number | null;
      phase: string;
      outcome: string | null;
      dispatch_on_time: boolean | null;
      replies: number;
      replies_on_time: number;
      reopen_count: number;
    }
  >`
    select warning_id, (extract(epoch from raised_at) * 1000)::float8 as raised_ms, (extract(epoch from closed_at) * 1000)::float8 as closed_ms,
           phase, outcome, rating_excluded, dispatch_on_time, replies, replies_on_time, reopen_count, appeal_status,
           ${warningFiguresAsOf(scorecardAsOf(options.period, options.now))}
    from app.warnings
    where raised_day_key between ${from} and ${to} and ${keyEquals(appraisalUnitColumns[options.unit].warning, options.code)}
    order by raised_at, warning_id`.execute(db);
  const warnings: WarningEvidence[] = [];
  for (const row of rows) {
    const causes = eligibility.causes.includes(row.warning_id);
    const counts =
      options.metric === 'award_eligible'
        ? eligibilityCounts(statusOf.get(row.warning_id))
        : warningCounts(options.metric, row);
    if (!counts) continue;
    warnings.push({
      warningId: row.warning_id,
      raisedAt: iso(row.raised_ms)!,
      phase: row.phase,
      outcome: row.outcome,
      closedAt: iso(row.closed_ms),
      dispatchOnTime: row.dispatch_on_time,
      replies: row.replies,
      repliesOnTime: row.replies_on_time,
      reopenings: row.reopen_count,
      appealStatus: row.appeal_status,
      ratingExcluded: row.rating_excluded,
      rectification: statusOf.get(row.warning_id) ?? null,
      causesIneligibility: causes,
      numerator: counts[0],
      denominator: counts[1],
    });
  }
  return { ...base, ratings: [], warnings };
};
