import type { SealedPii } from '../pii/vault.ts';

/**
 * 办件 (case): one service handled at a window or online, as the government service system (办件系统)
 * reports it. Every case carries the fields the provincial 好差评 feed needs on every rating.
 */

/** 申请人类型: 自然人 / 个体工商户 / 企业 / 社会组织 / 其他; `unknown` when nobody said (static QR). */
export const applicantTypes = ['natural_person', 'individual_business', 'enterprise', 'social_org', 'other', 'unknown'] as const;
export type ApplicantType = (typeof applicantTypes)[number];

/** 办理阶段: 受理 accepted → 办理中 in_progress → 办结 concluded. */
export const caseStages = ['accepted', 'in_progress', 'concluded'] as const;
export type CaseStage = (typeof caseStages)[number];

/** 办理进度: whether the case is within its promised time (办件超时 makes it `overdue`). */
export type CaseProgress = 'on_time' | 'overdue';

export interface CodeAndName {
  readonly code: string;
  readonly name: string;
}

/** 事项: the kind of service; `type` is the matter type (行政许可, 公共服务 …) the questionnaire is chosen by. */
export interface Matter extends CodeAndName {
  readonly type: string;
}

/** Staff are rated in their public role: id and display name, not citizen personal data. */
export interface StaffRef {
  readonly id: string;
  readonly displayName: string;
}

/** A phone number as it may be stored: sealed by the PII vault, masked for display, blind-indexed for lookup. */
export interface SealedPhone {
  readonly sealed: SealedPii;
  readonly masked: string;
  readonly blindIndex: string;
}

export interface CaseDetails {
  readonly matter: Matter;
  readonly department: CodeAndName;
  readonly hall: CodeAndName;
  readonly window: CodeAndName;
  readonly staff: StaffRef;
  readonly applicantType: ApplicantType;
  /** 企业类型 (e.g. private, state_owned, foreign_invested, sme); null for people. */
  readonly enterpriseType: string | null;
  /** 行政区划代码 (6 or 12 digits). */
  readonly regionCode: string;
  /** Absent when the case system gave no mobile number (then only a QR invitation is possible). */
  readonly applicantPhone: SealedPhone | null;
}

/** Which case system reported it, and under which id: together they name the case. */
export interface CaseRef {
  readonly system: string;
  readonly externalCaseId: string;
}

export const caseIdOf = (ref: CaseRef): string => `${ref.system}:${ref.externalCaseId}`;
export const caseStreamId = (ref: CaseRef): string => `case-${caseIdOf(ref)}`;
