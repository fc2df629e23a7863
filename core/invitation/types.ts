import type { ApplicantType, CaseProgress, CaseStage, CodeAndName, Matter, SealedPhone, StaffRef } from '../case/types.ts';
import type { SatisfactionLevel } from '../questionnaire/types.ts';

export type { InvitationChannel } from '../questionnaire/types.ts';

/**
 * What is being rated, copied from the case when the invitation is issued, so that every rating
 * carries the provincial 好差评 fields (matter/service code, department code, region code, case
 * number, stage, applicant type) without reading anything else.
 */
export interface RatingSubject {
  /** 办件编号; null for a static window QR, where no case is known. */
  readonly caseId: string | null;
  readonly caseNumber: string | null;
  readonly matter: Matter;
  readonly department: CodeAndName;
  readonly hall: CodeAndName;
  readonly window: CodeAndName;
  readonly staff: StaffRef | null;
  readonly applicantType: ApplicantType;
  readonly enterpriseType: string | null;
  readonly regionCode: string;
  readonly stage: CaseStage;
  readonly progress: CaseProgress;
}

/** Why the invitation was issued: a case reaching a stage configuration enables (一事多评), or a window QR scan. */
export type InvitationTrigger = 'case_completed' | 'stage_accepted' | 'stage_in_progress' | 'static_qr';

/** The trigger of the invitation a case issues on reaching `stage`: completion, or an earlier stage (一事多评). */
export const stageTrigger = (stage: CaseStage): InvitationTrigger =>
  stage === 'concluded' ? 'case_completed' : stage === 'accepted' ? 'stage_accepted' : 'stage_in_progress';

/** A picture, voice or video the citizen attached, stored in the blob store by content hash. */
export interface AttachmentRef {
  readonly sha256: string;
  readonly mediaType: string;
  readonly bytes: number;
}

/** 实名 or 匿名: real-name ratings keep the link to the applicant's sealed phone for the call-back. */
export type Evaluator = { readonly identity: 'anonymous' } | { readonly identity: 'real_name'; readonly phone: SealedPhone };

export interface IndicatorAnswer {
  readonly code: string;
  readonly level: SatisfactionLevel;
}
