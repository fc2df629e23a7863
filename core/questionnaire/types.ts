import type { ApplicantType, CaseProgress, CaseStage } from '../case/types.ts';

/** Text in both languages the citizen page speaks. */
export interface Texts {
  readonly 'zh-CN': string;
  readonly en: string;
}

/** The national five levels (国办发〔2019〕51号): 非常满意 5 … 非常不满意 1. */
export type SatisfactionLevel = 1 | 2 | 3 | 4 | 5;

/** 指标类别: 服务素养 / 流程便捷性 / 结果满意度. */
export type IndicatorCategoryCode = 'SM' | 'PC' | 'RS';

export interface IndicatorCategory {
  readonly code: IndicatorCategoryCode;
  readonly name: Texts;
}

/** 指标: one item of the bank, answered on the same five levels; its code is what departments are compared by. */
export interface Indicator {
  readonly code: string;
  readonly category: IndicatorCategoryCode;
  readonly text: Texts;
}

/**
 * 差评原因 (in the style of GB/T 39734): `concerns` says who leads the rectification (业务办理 → the
 * responsible department; 现场管理 → the service-hall administration), `raisesWarning` whether choosing
 * it alone makes the rating negative (the seed counts "办事体验一般" as one).
 */
export interface ReasonCode {
  readonly code: string;
  readonly text: Texts;
  readonly concerns: 'business' | 'site';
  readonly raisesWarning: boolean;
}

/** Channels a rating can come through. */
export type InvitationChannel = 'sms' | 'qr_case' | 'qr_static';

/** What a variant is chosen by (千人千面); an absent list matches everything. */
export interface VariantCriteria {
  readonly applicantTypes?: readonly ApplicantType[];
  readonly enterpriseTypes?: readonly string[];
  readonly matterTypes?: readonly string[];
  readonly stages?: readonly CaseStage[];
  readonly progress?: readonly CaseProgress[];
  readonly channels?: readonly InvitationChannel[];
}

/** A questionnaire variant: a subset of the bank's items, scored against the same indicator codes. */
export interface QuestionnaireVariant {
  readonly id: string;
  readonly name: Texts;
  readonly when: VariantCriteria;
  readonly items: readonly string[];
}

/** The whole questionnaire configuration; one version of it is one QuestionnairePublished event. */
export interface QuestionnaireConfig {
  readonly categories: readonly IndicatorCategory[];
  readonly indicators: readonly Indicator[];
  readonly reasons: readonly ReasonCode[];
  /** Ordered: the first variant whose criteria match is chosen; the last must match everything. */
  readonly variants: readonly QuestionnaireVariant[];
  /** Follow-up reason questions are offered at or below this overall level (default 3, 基本满意). */
  readonly followUpAtOrBelow: SatisfactionLevel;
  /** Ratings at or below this level are negative (差评: 不满意, 非常不满意). */
  readonly negativeAtOrBelow: SatisfactionLevel;
}

/** The case facts a variant is chosen from. */
export interface VariantContext {
  readonly applicantType: ApplicantType;
  readonly enterpriseType: string | null;
  readonly matterType: string;
  readonly stage: CaseStage;
  readonly progress: CaseProgress;
  readonly channel: InvitationChannel;
}
