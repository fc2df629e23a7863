import { downloadUrl, get, newIdempotencyKey, request } from './http.ts';
import type { ScoreOverride } from '../../../core/appraisal/overrides.ts';
import type { AppraisalUnitKind, OverridableMetric } from '../../../core/appraisal/units.ts';
import type { AppraisalRulesState } from '../../../core/appraisal/rules.ts';
import type { EvidenceMetric, ScorecardEvidence } from '../../../projections/appraisal/evidence.ts';
import type { Scorecard, ScorecardLine } from '../../../projections/queries/scorecards.ts';

export type { AppraisalUnitKind, OverridableMetric } from '../../../core/appraisal/units.ts';
export type { ScoreOverride } from '../../../core/appraisal/overrides.ts';
export type { AppraisalRules, AppraisalRulesState } from '../../../core/appraisal/rules.ts';
export type { EvidenceMetric, RatingEvidence, ScorecardEvidence, WarningEvidence } from '../../../projections/appraisal/evidence.ts';
export type { AwardEligibility, Scorecard, ScorecardLine } from '../../../projections/queries/scorecards.ts';

/** What a scorecard can be of (部门、窗口、人员), and the values an appraisal officer may override. */
export { appraisalUnitKinds as unitKinds, overridableMetrics } from '../../../core/appraisal/units.ts';

const base = (unitKind: AppraisalUnitKind): string => `/scorecards/${unitKind}`;

/** GET /scorecards/rules: the appraisal rules in force (version 0: the shipped defaults). */
export const loadRules = (): Promise<AppraisalRulesState> => get<AppraisalRulesState>('/scorecards/rules');

/** GET /scorecards/:unitKind/:period (YYYY-MM, YYYY-Qn or YYYY; no extension for JSON). */
export const loadScorecard = (unitKind: AppraisalUnitKind, period: string): Promise<Scorecard> =>
  get<Scorecard>(`${base(unitKind)}/${encodeURIComponent(period)}`);

/** The .xlsx / .csv downloads (each written to the export log by the API). */
export const scorecardExportUrl = (unitKind: AppraisalUnitKind, period: string, format: 'xlsx' | 'csv'): string =>
  downloadUrl(`${base(unitKind)}/${encodeURIComponent(period)}.${format}`);

/** GET …/evidence?unit=&metric=: the ratings and warnings behind one number. */
export const loadEvidence = (unitKind: AppraisalUnitKind, period: string, unit: string, metric: EvidenceMetric): Promise<ScorecardEvidence> =>
  get<ScorecardEvidence>(`${base(unitKind)}/${encodeURIComponent(period)}/evidence`, { unit, metric });

export const evidenceExportUrl = (unitKind: AppraisalUnitKind, period: string, unit: string, metric: EvidenceMetric, format: 'xlsx' | 'csv'): string =>
  downloadUrl(`${base(unitKind)}/${encodeURIComponent(period)}/evidence`, { unit, metric, format });

export interface OverrideAnswer {
  readonly alreadyHandled: boolean;
  readonly appended: readonly { readonly id: string; readonly type: string; readonly streamVersion: number }[];
  readonly overrides: readonly ScoreOverride[];
}

/** POST …/overrides: replace a computed value with a written reason (the computed value is kept beside it). */
export const overrideScore = (
  unitKind: AppraisalUnitKind,
  period: string,
  body: { readonly unit: string; readonly metric: OverridableMetric; readonly value: number; readonly reason: string },
  idempotencyKey: string = newIdempotencyKey(),
): Promise<OverrideAnswer> =>
  request<OverrideAnswer>('POST', `${base(unitKind)}/${encodeURIComponent(period)}/overrides`, { json: body, idempotencyKey });

/** The rate of a line behind an overridable metric (award_eligible is not a rate). */
export const rateKeys = {
  good_rate: 'goodRate',
  satisfied_rate: 'satisfiedRate',
  negative_rate: 'negativeRate',
  rectification_completion_rate: 'rectificationCompletionRate',
  on_time_dispatch_rate: 'onTimeDispatchRate',
  on_time_reply_rate: 'onTimeReplyRate',
} as const satisfies Record<Exclude<OverridableMetric, 'award_eligible'>, keyof ScorecardLine>;
