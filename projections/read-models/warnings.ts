import type { Insertable, Selectable } from 'kysely';
import type { WarningEvent } from '../../core/warning/events.ts';
import type { WarningPhase } from '../../core/warning/state.ts';
import { shanghaiKeys } from '../time/shanghai.ts';
import { maskFreeText } from '../../core/pii/mask.ts';
import type { Instant, NullableInstant } from './columns.ts';

/**
 * 预警 (app.warnings): one row per warning, for the inboxes (by lead department and phase, with the
 * deadline in force) and the rectification rates. `stream_version` is the last event of the warning's
 * stream folded in: an event at or below it is skipped, so re-applying changes nothing.
 */
export interface WarningsTable {
  warning_id: string;
  stream_version: number;
  kind: string;
  severity: string;
  rule_id: string;
  lead_department: string;
  cooperating_departments: string[];
  department_code: string | null;
  matter_code: string | null;
  hall_code: string | null;
  window_code: string | null;
  staff_id: string | null;
  rating_id: string | null;
  case_id: string | null;
  invitation_id: string | null;
  phase: WarningPhase;
  round: number;
  raised_at: Instant;
  raised_day_key: string;
  raised_month_key: string;
  dispatch_due_at: Instant;
  dispatched_at: NullableInstant;
  dispatch_on_time: boolean | null;
  dispatch_escalation: number;
  reply_due_at: NullableInstant;
  first_replied_at: NullableInstant;
  last_replied_at: NullableInstant;
  last_reply_text: string | null;
  replies: number;
  replies_on_time: number;
  reply_escalation: number;
  phone_due_at: NullableInstant;
  on_site_due_at: NullableInstant;
  phone_satisfied: boolean | null;
  on_site_satisfied: boolean | null;
  callbacks: number;
  callbacks_satisfied: number;
  first_callback_at: NullableInstant;
  reopen_count: number;
  appeal_status: 'none' | 'pending' | 'upheld' | 'rejected';
  closed_at: NullableInstant;
  outcome: string | null;
  rating_excluded: boolean;
  last_event_at: Instant;
}

export type WarningRow = Selectable<WarningsTable>;
/** The row as the projection folds it: every column present, instants as ISO strings. */
export type WarningRowDraft = {
  -readonly [K in keyof Insertable<WarningsTable>]-?: Exclude<Insertable<WarningsTable>[K], undefined>;
};

const earlier = (a: string | null, b: string): string =>
  a === null || Date.parse(b) < Date.parse(a) ? b : a;

const raisedRow = (
  event: Extract<WarningEvent, { type: 'WarningRaised' }>,
  version: number,
): WarningRowDraft => {
  const data = event.data;
  const keys = shanghaiKeys(data.raisedAt);
  return {
    warning_id: data.warningId,
    stream_version: version,
    kind: data.kind,
    severity: data.severity,
    rule_id: data.ruleId,
    lead_department: data.leadDepartment,
    cooperating_departments: [...data.cooperatingDepartments],
    department_code: data.subject.department ?? null,
    matter_code: data.subject.matterCode ?? null,
    hall_code: data.subject.hallId ?? null,
    window_code: data.subject.windowId ?? null,
    staff_id: data.subject.staffId ?? null,
    rating_id: data.source.ratingEventId ?? null,
    case_id: data.source.caseId ?? null,
    invitation_id: data.source.invitationId ?? null,
    phase: 'awaiting_dispatch',
    round: 0,
    raised_at: data.raisedAt,
    raised_day_key: keys.dayKey,
    raised_month_key: keys.monthKey,
    dispatch_due_at: data.dispatch.dueAt,
    dispatched_at: null,
    dispatch_on_time: null,
    dispatch_escalation: 0,
    reply_due_at: null,
    first_replied_at: null,
    last_replied_at: null,
    last_reply_text: null,
    replies: 0,
    replies_on_time: 0,
    reply_escalation: 0,
    phone_due_at: null,
    on_site_due_at: null,
    phone_satisfied: null,
    on_site_satisfied: null,
    callbacks: 0,
    callbacks_satisfied: 0,
    first_callback_at: null,
    reopen_count: 0,
    appeal_status: 'none',
    closed_at: null,
    outcome: null,
    rating_excluded: false,
    last_event_at: data.raisedAt,
  };
};

/** The instant a fact happened (every warning fact carries `at`, the raise carries `raisedAt`). */
const atOf = (event: WarningEvent): string =>
  event.type === 'WarningRaised' ? event.data.raisedAt : event.data.at;

/**
 * Folds one fact of the warning's stream into its row; the same phases as the warning decider's
 * `evolve` (core/warning/evolve.ts). Pure and total: a fact that does not fit leaves the row.
 */
export const evolveWarningRow = (
  row: WarningRowDraft | null,
  event: WarningEvent,
  version: number,
): WarningRowDraft | null => {
  if (event.type === 'WarningRaised') return row ?? raisedRow(event, version);
  if (row === null || version <= row.stream_version) return row;
  const next: WarningRowDraft = { ...row, stream_version: version, last_event_at: atOf(event) };
  switch (event.type) {
    case 'DispatchersAlerted':
    case 'DispatchReminderSent':
    case 'ReplyReminderSent':
    case 'CallbackReminderSent':
    case 'EvidenceAdded':
    case 'WarningStatusUpdated':
    case 'CitizenNotified':
      return next;
    case 'WarningDispatched':
      return {
        ...next,
        phase: 'awaiting_reply',
        lead_department: event.data.leadDepartment,
        cooperating_departments: [...event.data.cooperatingDepartments],
        dispatched_at: event.data.at,
        dispatch_on_time: Date.parse(event.data.at) <= Date.parse(row.dispatch_due_at),
      };
    case 'DispatchEscalated':
      return { ...next, dispatch_escalation: Math.max(row.dispatch_escalation, event.data.level) };
    case 'ReplyDeadlineSet':
      return event.data.round === row.round ? { ...next, reply_due_at: event.data.deadline.dueAt } : next;
    case 'ReplyEscalated':
      return { ...next, reply_escalation: Math.max(row.reply_escalation, event.data.level) };
    case 'CollaborationRequested':
      return {
        ...next,
        cooperating_departments: [...new Set([...row.cooperating_departments, ...event.data.departments])],
      };
    case 'WarningReplied':
      return {
        ...next,
        phase: 'awaiting_callback',
        first_replied_at: row.first_replied_at ?? event.data.at,
        last_replied_at: event.data.at,
        last_reply_text: maskFreeText(event.data.text),
        replies: row.replies + 1,
        replies_on_time: row.replies_on_time + (event.data.onTime ? 1 : 0),
      };
    case 'CallbackDeadlinesSet':
      return { ...next, phone_due_at: event.data.phone.dueAt, on_site_due_at: event.data.onSite.dueAt };
    case 'CallbackEscalated':
      return next;
    case 'PhoneCallbackRecorded':
      return {
        ...next,
        phone_satisfied: event.data.satisfied,
        callbacks: row.callbacks + 1,
        callbacks_satisfied: row.callbacks_satisfied + (event.data.satisfied ? 1 : 0),
        first_callback_at: earlier(row.first_callback_at, event.data.at),
      };
    case 'OnSiteCheckRecorded':
      return {
        ...next,
        on_site_satisfied: event.data.satisfied,
        callbacks: row.callbacks + 1,
        callbacks_satisfied: row.callbacks_satisfied + (event.data.satisfied ? 1 : 0),
        first_callback_at: earlier(row.first_callback_at, event.data.at),
      };
    case 'WarningReopened':
      return {
        ...next,
        phase: 'awaiting_reply',
        round: event.data.count,
        reopen_count: Math.max(row.reopen_count, event.data.count),
        reply_due_at: null,
        phone_due_at: null,
        on_site_due_at: null,
        phone_satisfied: null,
        on_site_satisfied: null,
      };
    case 'WarningClosed':
      return {
        ...next,
        phase: 'closed',
        closed_at: event.data.at,
        outcome: event.data.outcome,
        rating_excluded: row.rating_excluded || event.data.ratingExcludedFromAppraisal,
      };
    case 'AppealFiled':
      return { ...next, appeal_status: 'pending' };
    case 'AppealReviewed':
      return {
        ...next,
        appeal_status: event.data.decision,
        rating_excluded: row.rating_excluded || event.data.ratingExcludedFromAppraisal,
      };
    default: {
      const _never: never = event;
      return row;
    }
  }
};

/** The deadline in force for the warning's phase (派单 / 答复 / 回访), null when closed or unknown. */
export const currentDeadline = (
  row: Pick<
    WarningRow,
    | 'phase'
    | 'dispatch_due_at'
    | 'reply_due_at'
    | 'phone_due_at'
    | 'on_site_due_at'
    | 'phone_satisfied'
    | 'on_site_satisfied'
  >,
): Date | null => {
  switch (row.phase) {
    case 'awaiting_dispatch':
      return row.dispatch_due_at;
    case 'awaiting_reply':
      return row.reply_due_at;
    case 'awaiting_callback': {
      const open = [
        row.phone_satisfied === null ? row.phone_due_at : null,
        row.on_site_satisfied === null ? row.on_site_due_at : null,
      ].filter((d): d is Date => d !== null);
      return open.length === 0 ? null : new Date(Math.min(...open.map((d) => d.getTime())));
    }
    case 'closed':
      return null;
    default: {
      const _never: never = row.phase;
      return null;
    }
  }
};
