/**
 * The warning (预警) stream: every fact of one warning's life, from raising to closing (即改).
 * Events are past-tense facts; each type has a schema version (`warningSchemaVersions`). Times are
 * ISO-8601 instants. People are actor ids; citizens only ever appear as a PII-vault reference.
 */
export type WarningKind = 'negative_rating' | 'overdue_case' | 'process_dissatisfaction' | 'quality_trend';
export type WarningSeverity = 'low' | 'medium' | 'high';
/** 双回访: 电话回访 + 实地核查 */
export type CallbackCheck = 'phone' | 'on_site';
export type CitizenStep = 'dispatched' | 'replied' | 'closed';
export type WarningOutcome = 'rectified' | 'appeal_upheld';

/** A file in the blob store, named by its content hash (凭证). */
export interface Evidence {
  readonly blobKey: string;
  readonly sha256: string;
  readonly mediaType: string;
}

export interface Deadline {
  readonly dueAt: string;
  readonly reminderAt: string;
}

export interface WarningSource {
  /** The event that raised the warning; with `ruleId` it determines the warning id. */
  readonly sourceEventId: string;
  readonly caseId?: string;
  readonly invitationId?: string;
  readonly ratingEventId?: string;
}

/** What the warning is about: where and by whom the service was given. */
export interface WarningSubject {
  readonly matterCode?: string;
  readonly department?: string;
  readonly hallId?: string;
  readonly windowId?: string;
  readonly staffId?: string;
}

type Fact<Type extends string, Data> = { readonly type: Type; readonly data: Data };

/** 预警生成 */
export type WarningRaised = Fact<
  'WarningRaised',
  {
    readonly warningId: string;
    readonly kind: WarningKind;
    readonly severity: WarningSeverity;
    readonly ruleId: string;
    readonly source: WarningSource;
    readonly subject: WarningSubject;
    /** 牵头部门 and 配合部门, from the routing table (预警类型-责任部门对照表). */
    readonly leadDepartment: string;
    readonly cooperatingDepartments: readonly string[];
    readonly routingTableVersion: number;
    readonly dispatch: Deadline;
    /** PII-vault reference to the rater's phone; null when they rated anonymously without one. */
    readonly citizenContactRef: string | null;
    readonly raisedAt: string;
  }
>;
/** 预警提示已发送 (SMS to the dispatchers) */
export type DispatchersAlerted = Fact<'DispatchersAlerted', { readonly at: string }>;
/** 派单 */
export type WarningDispatched = Fact<
  'WarningDispatched',
  {
    readonly by: string;
    readonly leadDepartment: string;
    readonly cooperatingDepartments: readonly string[];
    readonly note?: string;
    readonly at: string;
  }
>;
export type DispatchReminderSent = Fact<'DispatchReminderSent', { readonly at: string }>;
export type DispatchEscalated = Fact<
  'DispatchEscalated',
  { readonly level: number; readonly audiences: readonly string[]; readonly at: string }
>;
/** The reply deadline in force for a round (round 0 after dispatch, n after the n-th reopening). */
export type ReplyDeadlineSet = Fact<
  'ReplyDeadlineSet',
  {
    readonly round: number;
    readonly deadline: Deadline;
    readonly workingDays: number;
    /** The instant the working days count from (dispatch or reopening). */
    readonly countedFrom: string;
    readonly calendarCoverage: Readonly<Record<string, 'official' | 'loaded' | 'fallback'>>;
    /** Non-empty: the deadline was computed weekdays-only for these years (operator alerted). */
    readonly calendarFallbackYears: readonly number[];
    readonly at: string;
  }
>;
export type ReplyReminderSent = Fact<'ReplyReminderSent', { readonly round: number; readonly at: string }>;
export type ReplyEscalated = Fact<
  'ReplyEscalated',
  { readonly round: number; readonly level: number; readonly audiences: readonly string[]; readonly at: string }
>;
/** 牵头部门备注协同需求 */
export type CollaborationRequested = Fact<
  'CollaborationRequested',
  { readonly by: string; readonly departments: readonly string[]; readonly note: string; readonly at: string }
>;
/** 凭证上传 */
export type EvidenceAdded = Fact<
  'EvidenceAdded',
  {
    readonly by: string;
    readonly department: string;
    readonly evidence: Evidence;
    readonly description?: string;
    readonly at: string;
  }
>;
/** 预警状态更新 */
export type WarningStatusUpdated = Fact<
  'WarningStatusUpdated',
  { readonly by: string; readonly department: string; readonly note: string; readonly at: string }
>;
/** 处置答复 */
export type WarningReplied = Fact<
  'WarningReplied',
  {
    readonly round: number;
    readonly by: string;
    readonly department: string;
    readonly text: string;
    readonly evidence: readonly Evidence[];
    /** False when the deadline of the round had already been missed (escalated or past due). */
    readonly onTime: boolean;
    readonly at: string;
  }
>;
export type CallbackDeadlinesSet = Fact<
  'CallbackDeadlinesSet',
  {
    readonly round: number;
    readonly phone: Deadline;
    readonly onSite: Deadline;
    readonly calendarFallbackYears: readonly number[];
    readonly at: string;
  }
>;
export type CallbackReminderSent = Fact<
  'CallbackReminderSent',
  { readonly round: number; readonly check: CallbackCheck; readonly at: string }
>;
export type CallbackEscalated = Fact<
  'CallbackEscalated',
  {
    readonly round: number;
    readonly check: CallbackCheck;
    readonly level: number;
    readonly audiences: readonly string[];
    readonly at: string;
  }
>;
/** 电话回访 */
export type PhoneCallbackRecorded = Fact<
  'PhoneCallbackRecorded',
  {
    readonly round: number;
    readonly by: string;
    readonly calledAt: string;
    readonly satisfied: boolean;
    readonly notes: string;
    readonly at: string;
  }
>;
/** 实地核查 */
export type OnSiteCheckRecorded = Fact<
  'OnSiteCheckRecorded',
  {
    readonly round: number;
    readonly by: string;
    readonly checkedAt: string;
    readonly satisfied: boolean;
    readonly notes: string;
    readonly photo: Evidence;
    readonly at: string;
  }
>;
/** 重新整改: a call-back found the problem not rectified. */
export type WarningReopened = Fact<
  'WarningReopened',
  { readonly count: number; readonly failedCheck: CallbackCheck; readonly at: string }
>;
export type WarningClosed = Fact<
  'WarningClosed',
  {
    readonly outcome: WarningOutcome;
    /** True when an upheld appeal excludes the rating from appraisal; the rating event itself stays. */
    readonly ratingExcludedFromAppraisal: boolean;
    readonly at: string;
  }
>;
/** 申诉 */
export type AppealFiled = Fact<
  'AppealFiled',
  {
    readonly by: string;
    readonly department: string | null;
    readonly reason: string;
    readonly evidence: readonly Evidence[];
    readonly at: string;
  }
>;
/** 复核 */
export type AppealReviewed = Fact<
  'AppealReviewed',
  {
    readonly by: string;
    readonly decision: 'upheld' | 'rejected';
    readonly reason: string;
    readonly ratingEventId: string | null;
    readonly ratingExcludedFromAppraisal: boolean;
    readonly at: string;
  }
>;
/** 回告群众整改进展 (SMS to the rater) */
export type CitizenNotified = Fact<
  'CitizenNotified',
  { readonly step: CitizenStep; readonly round: number; readonly at: string }
>;

export type WarningEvent =
  | WarningRaised
  | DispatchersAlerted
  | WarningDispatched
  | DispatchReminderSent
  | DispatchEscalated
  | ReplyDeadlineSet
  | ReplyReminderSent
  | ReplyEscalated
  | CollaborationRequested
  | EvidenceAdded
  | WarningStatusUpdated
  | WarningReplied
  | CallbackDeadlinesSet
  | CallbackReminderSent
  | CallbackEscalated
  | PhoneCallbackRecorded
  | OnSiteCheckRecorded
  | WarningReopened
  | WarningClosed
  | AppealFiled
  | AppealReviewed
  | CitizenNotified;

export type WarningEventType = WarningEvent['type'];

export const warningSchemaVersions: { readonly [T in WarningEventType]: number } = {
  WarningRaised: 1,
  DispatchersAlerted: 1,
  WarningDispatched: 1,
  DispatchReminderSent: 1,
  DispatchEscalated: 1,
  ReplyDeadlineSet: 1,
  ReplyReminderSent: 1,
  ReplyEscalated: 1,
  CollaborationRequested: 1,
  EvidenceAdded: 1,
  WarningStatusUpdated: 1,
  WarningReplied: 1,
  CallbackDeadlinesSet: 1,
  CallbackReminderSent: 1,
  CallbackEscalated: 1,
  PhoneCallbackRecorded: 1,
  OnSiteCheckRecorded: 1,
  WarningReopened: 1,
  WarningClosed: 1,
  AppealFiled: 1,
  AppealReviewed: 1,
  CitizenNotified: 1,
};
