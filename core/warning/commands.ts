import type { Actor } from '../eventstore/types.ts';
import type { CallbackCheck, CitizenStep, Deadline, Evidence, WarningRaised } from './events.ts';

/** Every command says when it is decided and who acts (a person, or `role: 'system'` for timers). */
type Command<Type extends string, Body = object> = { readonly type: Type; readonly at: Date; readonly actor: Actor } & Body;

/** 生成预警 — issued by the warning policy with an id derived from the source event and rule. */
export type RaiseWarning = Command<'RaiseWarning', Omit<WarningRaised['data'], 'raisedAt'>>;
export type AlertDispatchers = Command<'AlertDispatchers'>;
/** 派单: the dispatcher confirms the routed lead department or routes it elsewhere. */
export type DispatchWarning = Command<
  'DispatchWarning',
  { readonly leadDepartment?: string; readonly cooperatingDepartments?: readonly string[]; readonly note?: string }
>;
export type RemindDispatch = Command<'RemindDispatch'>;
export type EscalateDispatch = Command<'EscalateDispatch', { readonly level: number; readonly audiences: readonly string[] }>;
export type SetReplyDeadline = Command<
  'SetReplyDeadline',
  {
    readonly round: number;
    readonly deadline: Deadline;
    readonly workingDays: number;
    readonly countedFrom: string;
    readonly calendarCoverage: Readonly<Record<string, 'official' | 'loaded' | 'fallback'>>;
    readonly calendarFallbackYears: readonly number[];
  }
>;
export type RemindReply = Command<'RemindReply', { readonly round: number }>;
export type EscalateReply = Command<
  'EscalateReply',
  { readonly round: number; readonly level: number; readonly audiences: readonly string[] }
>;
export type RequestCollaboration = Command<
  'RequestCollaboration',
  { readonly departments: readonly string[]; readonly note: string }
>;
export type AddEvidence = Command<'AddEvidence', { readonly evidence: Evidence; readonly description?: string }>;
export type UpdateWarningStatus = Command<'UpdateWarningStatus', { readonly note: string }>;
export type ReplyToWarning = Command<'ReplyToWarning', { readonly text: string; readonly evidence: readonly Evidence[] }>;
export type SetCallbackDeadlines = Command<
  'SetCallbackDeadlines',
  {
    readonly round: number;
    readonly phone: Deadline;
    readonly onSite: Deadline;
    readonly calendarFallbackYears: readonly number[];
  }
>;
export type RemindCallback = Command<'RemindCallback', { readonly round: number; readonly check: CallbackCheck }>;
export type EscalateCallback = Command<
  'EscalateCallback',
  { readonly round: number; readonly check: CallbackCheck; readonly level: number; readonly audiences: readonly string[] }
>;
export type RecordPhoneCallback = Command<
  'RecordPhoneCallback',
  { readonly calledAt: Date; readonly satisfied: boolean; readonly notes: string }
>;
export type RecordOnSiteCheck = Command<
  'RecordOnSiteCheck',
  { readonly checkedAt: Date; readonly satisfied: boolean; readonly notes: string; readonly photo: Evidence }
>;
export type FileAppeal = Command<'FileAppeal', { readonly reason: string; readonly evidence: readonly Evidence[] }>;
export type ReviewAppeal = Command<
  'ReviewAppeal',
  { readonly decision: 'upheld' | 'rejected'; readonly reason: string }
>;
export type NotifyCitizen = Command<'NotifyCitizen', { readonly step: CitizenStep; readonly round: number }>;

export type WarningCommand =
  | RaiseWarning
  | AlertDispatchers
  | DispatchWarning
  | RemindDispatch
  | EscalateDispatch
  | SetReplyDeadline
  | RemindReply
  | EscalateReply
  | RequestCollaboration
  | AddEvidence
  | UpdateWarningStatus
  | ReplyToWarning
  | SetCallbackDeadlines
  | RemindCallback
  | EscalateCallback
  | RecordPhoneCallback
  | RecordOnSiteCheck
  | FileAppeal
  | ReviewAppeal
  | NotifyCitizen;

/** Roles the decider checks (the HTTP layer maps accounts to them). */
export const roles = {
  system: 'system',
  dispatcher: 'dispatcher',
  callbackOfficer: 'callback_officer',
  appealReviewer: 'appeal_reviewer',
} as const;
