/**
 * Warning rules (预警规则): which facts raise a warning, of which kind and severity. Rules are
 * configuration, published as events (config.ts); the first matching rule wins, so one rating or one
 * overdue case raises at most one warning.
 */
import type { CaseOverdue } from '../case/events.ts';
import type { EvaluationSubmitted } from '../invitation/events.ts';
import type { WarningKind, WarningSeverity } from '../warning/events.ts';

export type RuleCondition =
  /** The overall level is at or below `atOrBelow` (default 差评: 不满意, 非常不满意). */
  | { readonly on: 'rating_level'; readonly atOrBelow: number }
  /** The rating was flagged negative by a reason that raises a warning by itself ("办事体验一般"). */
  | { readonly on: 'rating_negative_reason' }
  /** Any indicator of these categories answered at or below `atOrBelow` (流程便捷性 by default). */
  | { readonly on: 'indicator_level'; readonly categories: readonly string[]; readonly atOrBelow: number }
  /** 办件超时 reported by the case system. */
  | { readonly on: 'case_overdue' };

export interface WarningRule {
  readonly id: string;
  readonly kind: WarningKind;
  readonly when: RuleCondition;
  /** Severity by overall level (1..5) where it matters; `severity` otherwise. */
  readonly severity: WarningSeverity;
  readonly severityByLevel?: Readonly<Partial<Record<'1' | '2' | '3' | '4' | '5', WarningSeverity>>>;
  readonly title: { readonly 'zh-CN': string; readonly en: string };
}

export interface WarningRules {
  readonly rules: readonly WarningRule[];
  /** 1 小时内派单 */
  readonly dispatchWithinMinutes: number;
  readonly dispatchReminderBeforeMinutes: number;
}

export const defaultWarningRules: WarningRules = {
  dispatchWithinMinutes: 60,
  dispatchReminderBeforeMinutes: 15,
  rules: [
    {
      id: 'rating.negative',
      kind: 'negative_rating',
      when: { on: 'rating_level', atOrBelow: 2 },
      severity: 'medium',
      severityByLevel: { '1': 'high', '2': 'medium' },
      title: { 'zh-CN': '差评(不满意/非常不满意)', en: 'Negative rating' },
    },
    {
      id: 'rating.negative-reason',
      kind: 'negative_rating',
      when: { on: 'rating_negative_reason' },
      severity: 'low',
      title: { 'zh-CN': '负面反馈(如"办事体验一般")', en: 'Negative feedback (e.g. "mediocre experience")' },
    },
    {
      id: 'rating.process',
      kind: 'process_dissatisfaction',
      when: { on: 'indicator_level', categories: ['PC'], atOrBelow: 2 },
      severity: 'low',
      title: { 'zh-CN': '对办事流程不满', en: 'Dissatisfied with the process' },
    },
    {
      id: 'case.overdue',
      kind: 'overdue_case',
      when: { on: 'case_overdue' },
      severity: 'medium',
      title: { 'zh-CN': '办件超时', en: 'Case overdue' },
    },
  ],
};

export type PolicySource =
  | { readonly type: 'EvaluationSubmitted'; readonly data: EvaluationSubmitted['data'] }
  | { readonly type: 'CaseOverdue'; readonly data: CaseOverdue['data'] };

export interface RuleMatch {
  readonly rule: WarningRule;
  readonly severity: WarningSeverity;
}

const matches = (condition: RuleCondition, source: PolicySource): boolean => {
  switch (condition.on) {
    case 'case_overdue':
      return source.type === 'CaseOverdue';
    case 'rating_level':
      return source.type === 'EvaluationSubmitted' && source.data.overall <= condition.atOrBelow;
    case 'rating_negative_reason':
      return source.type === 'EvaluationSubmitted' && source.data.negative;
    case 'indicator_level':
      return (
        source.type === 'EvaluationSubmitted' &&
        source.data.answers.some(
          (answer) => answer.level <= condition.atOrBelow && condition.categories.some((category) => answer.code.startsWith(category)),
        )
      );
    default: {
      const unknown: never = condition;
      return unknown;
    }
  }
};

/** The first rule that matches, or null: most facts raise nothing. */
export const matchRule = (rules: WarningRules, source: PolicySource): RuleMatch | null => {
  for (const rule of rules.rules) {
    if (!matches(rule.when, source)) continue;
    const level = source.type === 'EvaluationSubmitted' ? String(source.data.overall) : null;
    const byLevel = level ? rule.severityByLevel?.[level as '1'] : undefined;
    return { rule, severity: byLevel ?? rule.severity };
  }
  return null;
};
