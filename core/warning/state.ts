import type { CallbackCheck, Deadline, WarningKind, WarningOutcome, WarningSource, WarningSubject } from './events.ts';

export type WarningPhase = 'awaiting_dispatch' | 'awaiting_reply' | 'awaiting_callback' | 'closed';

export interface CheckState {
  readonly deadline: Deadline | null;
  readonly reminded: boolean;
  readonly escalationLevel: number;
  /** null while not recorded in this round. */
  readonly satisfied: boolean | null;
}

/** Everything the decider and the workflow need to know about a warning that exists. */
export interface OpenWarning {
  readonly phase: WarningPhase;
  readonly warningId: string;
  readonly kind: WarningKind;
  readonly source: WarningSource;
  readonly subject: WarningSubject;
  readonly leadDepartment: string;
  readonly cooperatingDepartments: readonly string[];
  readonly citizenContactRef: string | null;
  readonly dispatch: {
    readonly deadline: Deadline;
    readonly alerted: boolean;
    readonly reminded: boolean;
    readonly escalationLevel: number;
    readonly dispatchedAt: string | null;
  };
  /** 0 until the first reopening; equals the number of reopenings (整改次数 − 1). */
  readonly round: number;
  readonly reply: {
    /** When the working days of this round count from (dispatch or reopening). */
    readonly countedFrom: string | null;
    readonly deadline: Deadline | null;
    readonly reminded: boolean;
    readonly escalationLevel: number;
    readonly repliedAt: string | null;
  };
  /** The last round that has a reply; -1 before the first. */
  readonly lastRepliedRound: number;
  readonly callbacks: Readonly<Record<CallbackCheck, CheckState>>;
  readonly appeal: { readonly status: 'none' | 'pending' | 'upheld' | 'rejected'; readonly appellant: string | null };
  /** `${step}:${round}` of every citizen notification sent. */
  readonly citizenNotified: readonly string[];
  readonly outcome: WarningOutcome | null;
  readonly ratingExcludedFromAppraisal: boolean;
}

export type WarningState = { readonly phase: 'none' } | OpenWarning;

export const initialWarningState: WarningState = { phase: 'none' };

export const emptyCheck: CheckState = { deadline: null, reminded: false, escalationLevel: 0, satisfied: null };
