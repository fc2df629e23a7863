/**
 * The appraisal rules (考核规则) as configuration: events in one stream, `config-appraisal`. Each
 * publication carries who, when, why and the whole new value, so a scorecard can say which rules it
 * was computed under. Version 0 means the shipped defaults: the seed's rule that 3 consecutive
 * warnings not rectified cost a unit its award eligibility for the period (取消评先资格).
 */
import * as v from 'valibot';
import type { Decider } from '../decider/decider.ts';
import { assertNever } from '../decider/decider.ts';
import type { Actor } from '../eventstore/types.ts';
import { DomainError } from '../shared/errors.ts';

export const appraisalRulesStreamId = 'config-appraisal';

export const appraisalRulesSchema = v.object({
  /** 连续 N 条预警未整改 → 取消评先资格 (the seed: 3). */
  consecutiveUnrectifiedLimit: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(50)),
  /**
   * What "not rectified" (未整改) means. A warning is unrectified when it is not closed as rectified
   * within `rectifyWithinDays` calendar days of being raised; with `reopenedCountsAsUnrectified`, a
   * warning reopened after a failed call-back check (重新整改) counts as unrectified even if a later
   * round fixed it. A warning whose rating was excluded by an upheld appeal is left out entirely, and
   * one still inside its time at the cut-off is pending: it neither extends nor breaks a run.
   */
  unrectified: v.object({
    rectifyWithinDays: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(366)),
    reopenedCountsAsUnrectified: v.boolean(),
  }),
});

export type AppraisalRules = v.InferOutput<typeof appraisalRulesSchema>;

export const defaultAppraisalRules: AppraisalRules = {
  consecutiveUnrectifiedLimit: 3,
  unrectified: { rectifyWithinDays: 15, reopenedCountsAsUnrectified: true },
};

export type AppraisalRulesEvent = {
  readonly type: 'AppraisalRulesPublished';
  readonly data: { readonly version: number; readonly value: AppraisalRules; readonly by: string; readonly reason: string; readonly at: string };
};

export type AppraisalRulesCommand = {
  readonly type: 'PublishAppraisalRules';
  readonly rules: AppraisalRules;
  readonly reason: string;
  readonly actor: Actor;
  readonly at: Date;
};

export interface AppraisalRulesState {
  readonly version: number;
  readonly value: AppraisalRules;
}

/** Refuses in both languages: the message in Chinese, `en` shown to English readers (problem+json). */
const refuse = (field: string, message: string, en: string): never => {
  throw new DomainError('APPRAISAL_RULES_INVALID', message, { status: 422, details: { field, en } });
};

export const appraisalRulesDecider: Decider<AppraisalRulesCommand, AppraisalRulesEvent, AppraisalRulesState> = {
  initialState: { version: 0, value: defaultAppraisalRules },
  schemaVersions: { AppraisalRulesPublished: 1 },
  decide(command, state) {
    switch (command.type) {
      case 'PublishAppraisalRules': {
        if (command.reason.trim() === '') refuse('reason', '请填写变更原因', 'Give a reason for the change.');
        const parsed = v.safeParse(appraisalRulesSchema, command.rules);
        if (!parsed.success) refuse(`rules.${v.getDotPath(parsed.issues[0]) ?? ''}`, parsed.issues[0].message, parsed.issues[0].message);
        return [
          {
            type: 'AppraisalRulesPublished',
            data: { version: state.version + 1, value: command.rules, by: command.actor.id, reason: command.reason, at: command.at.toISOString() },
          },
        ];
      }
      default:
        return assertNever(command.type);
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case 'AppraisalRulesPublished':
        return { version: event.data.version, value: event.data.value };
      default:
        return assertNever(event.type);
    }
  },
};
