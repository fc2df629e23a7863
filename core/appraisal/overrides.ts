/**
 * Score overrides (人工调整): an appraisal officer replaces a computed scorecard value with a written
 * reason. The computed value stays; the override is an event shown beside it. One stream per unit
 * kind and period (`appraisal-department-2025-10`), so a period's overrides are read in one go.
 */
import * as v from 'valibot';
import type { Decider } from '../decider/decider.ts';
import { assertNever } from '../decider/decider.ts';
import type { Actor } from '../eventstore/types.ts';
import { DomainError } from '../shared/errors.ts';
import type { AppraisalUnitKind, OverridableMetric } from './units.ts';
import { overridableMetrics } from './units.ts';
import { maskFreeText } from '../pii/mask.ts';

export type { AppraisalUnitKind, OverridableMetric } from './units.ts';
export { appraisalUnitKinds, overridableMetrics } from './units.ts';

export const appraisalStreamId = (unitKind: AppraisalUnitKind, period: string): string => `appraisal-${unitKind}-${period}`;

export interface ScoreOverride {
  readonly unitKind: AppraisalUnitKind;
  readonly unit: string;
  readonly period: string;
  readonly metric: OverridableMetric;
  /** What the scorecard computed when the override was made (null: no sample). */
  readonly computed: number | null;
  readonly value: number;
  readonly reason: string;
  readonly actor: Actor;
  readonly at: string;
}

export type AppraisalEvent = { readonly type: 'ScoreOverridden'; readonly data: ScoreOverride };

export type AppraisalCommand = {
  readonly type: 'OverrideScore';
  readonly unitKind: AppraisalUnitKind;
  readonly unit: string;
  readonly period: string;
  readonly metric: OverridableMetric;
  readonly computed: number | null;
  readonly value: number;
  readonly reason: string;
  readonly actor: Actor;
  readonly at: Date;
};

/** The override in force per `${unit}\u0000${metric}` (the latest wins; earlier ones stay in the stream). */
export interface AppraisalState {
  readonly overrides: Readonly<Record<string, ScoreOverride>>;
}

export const overrideKey = (unit: string, metric: string): string => `${unit}\u0000${metric}`;

/** Refuses in both languages: the message in Chinese, `en` shown to English readers (problem+json). */
const refuse = (field: string, message: string, en: string): never => {
  throw new DomainError('SCORE_OVERRIDE_INVALID', message, { status: 422, details: { field, en } });
};

export const appraisalDecider: Decider<AppraisalCommand, AppraisalEvent, AppraisalState> = {
  initialState: { overrides: {} },
  schemaVersions: { ScoreOverridden: 1 },
  decide(command, state) {
    switch (command.type) {
      case 'OverrideScore': {
        const reason = command.reason.trim();
        if (reason === '') refuse('reason', '请填写调整理由', 'Give a reason for the adjustment.');
        if (command.unit.trim() === '') refuse('unit', '请指明考核对象', 'Name the unit being appraised.');
        if (!(overridableMetrics as readonly string[]).includes(command.metric)) refuse('metric', '该指标不可调整', 'This metric cannot be adjusted.');
        if (!Number.isFinite(command.value)) refuse('value', '调整值须为数字', 'The adjusted value must be a number.');
        if (command.metric === 'award_eligible') {
          if (command.value !== 0 && command.value !== 1) refuse('value', '评先资格须为 1(保留)或 0(取消)', 'Award eligibility must be 1 (kept) or 0 (withdrawn).');
        } else if (command.value < 0 || command.value > 1) refuse('value', '比率须在 0 与 1 之间', 'A rate must be between 0 and 1.');
        const current = state.overrides[overrideKey(command.unit, command.metric)];
        if (current && current.value === command.value && current.reason === reason) return [];
        return [
          {
            type: 'ScoreOverridden',
            data: {
              unitKind: command.unitKind,
              unit: command.unit,
              period: command.period,
              metric: command.metric,
              computed: command.computed,
              value: command.value,
              reason,
              actor: command.actor,
              at: command.at.toISOString(),
            },
          },
        ];
      }
      default:
        return assertNever(command.type);
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case 'ScoreOverridden':
        return { overrides: { ...state.overrides, [overrideKey(event.data.unit, event.data.metric)]: event.data } };
      default:
        return assertNever(event.type);
    }
  },
};

export const ScoreOverrideBodySchema = v.object({
  // A department's or staff member's code, or a window's key ('SMZJ/W07': two codes and a '/').
  unit: v.pipe(v.string(), v.trim(), v.minLength(1, '请指明考核对象'), v.maxLength(129)),
  metric: v.picklist(overridableMetrics, '该指标不可调整'),
  value: v.pipe(v.number(), v.finite()),
  // Masked (脱敏) before it is recorded, as all staff free text is.
  reason: v.pipe(v.string(), v.trim(), v.minLength(1, '请填写调整理由'), v.maxLength(2000), v.transform(maskFreeText)),
});
