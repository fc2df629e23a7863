import type { Kysely } from 'kysely';
import type { ScoreOverride } from '../../core/appraisal/overrides.ts';
import type { AppraisalRules } from '../../core/appraisal/rules.ts';
import type { AppraisalUnit, Scorecard } from '../queries/scorecards.ts';
import { appraisalScorecard } from '../queries/scorecards.ts';
import type { EvidenceMetric, ScorecardEvidence } from './evidence.ts';
import { scorecardEvidence } from './evidence.ts';

export * from './evidence.ts';
export * from './export.ts';

/** The appraisal read side the staff API needs: rules and overrides come in from their event streams. */
export interface AppraisalQueries {
  readonly scorecard: (options: {
    readonly unit: AppraisalUnit;
    readonly period: string;
    readonly rules: { readonly version: number; readonly value: AppraisalRules };
    readonly overrides: Readonly<Record<string, ScoreOverride>>;
  }) => Promise<Scorecard>;
  readonly evidence: (options: {
    readonly unit: AppraisalUnit;
    readonly code: string;
    readonly period: string;
    readonly metric: EvidenceMetric;
    readonly rules: AppraisalRules;
  }) => Promise<ScorecardEvidence>;
}

export const appraisalQueries = (db: Kysely<unknown>, clock: { now(): Date }): AppraisalQueries => ({
  scorecard: (options) => appraisalScorecard(db, { ...options, now: clock.now() }),
  evidence: (options) => scorecardEvidence(db, { ...options, now: clock.now() }),
});
