/**
 * Sample warning facts and commands for tests (decider specs and workflow tests). The times follow
 * one warning raised on Tuesday 2026-03-03 10:00 Asia/Shanghai.
 */
import type { Actor } from '../eventstore/types.ts';
import type { RaiseWarning } from './commands.ts';
import type { Evidence, WarningEvent, WarningRaised } from './events.ts';

export const cst = (local: string): Date => new Date(`${local}+08:00`);
export const iso = (local: string): string => cst(local).toISOString();

export const actors = {
  system: { id: 'system:warning-workflow', role: 'system' },
  dispatcher: { id: 'staff-dispatcher-1', role: 'dispatcher', department: 'dept-zsj' },
  lead: { id: 'staff-lead-1', role: 'handler', department: 'dept-scjg' },
  cooperating: { id: 'staff-coop-1', role: 'handler', department: 'dept-zwfw' },
  outsider: { id: 'staff-other-1', role: 'handler', department: 'dept-other' },
  officer: { id: 'staff-callback-1', role: 'callback_officer', department: 'dept-zsj' },
  ratedStaff: { id: 'staff-window-7', role: 'window_staff', department: 'dept-scjg' },
  reviewer: { id: 'staff-reviewer-1', role: 'appeal_reviewer', department: 'dept-zsj' },
} satisfies Record<string, Actor>;

export const evidence = (n = 1): Evidence => ({
  blobKey: `evidence/${n}.jpg`,
  sha256: String(n).repeat(64).slice(0, 64),
  mediaType: 'image/jpeg',
});

export const raiseCommand = (warningId = 'w-rating-1', overrides: Partial<RaiseWarning> = {}): RaiseWarning => ({
  type: 'RaiseWarning',
  at: cst('2026-03-03T10:00:00'),
  actor: actors.system,
  warningId,
  kind: 'negative_rating',
  severity: 'high',
  ruleId: 'rule-negative-rating',
  source: { sourceEventId: 'evt-rating-1', caseId: 'case-1', invitationId: 'inv-1', ratingEventId: 'evt-rating-1' },
  subject: { matterCode: 'M-001', department: 'dept-scjg', hallId: 'hall-smzj', windowId: 'win-7', staffId: 'staff-window-7' },
  leadDepartment: 'dept-scjg',
  cooperatingDepartments: ['dept-zwfw'],
  routingTableVersion: 3,
  dispatch: { reminderAt: iso('2026-03-03T10:45:00'), dueAt: iso('2026-03-03T11:00:00') },
  citizenContactRef: 'pii:contact-1',
  ...overrides,
});

export const raised = (warningId = 'w-rating-1', overrides: Partial<WarningRaised['data']> = {}): WarningRaised => {
  const command = raiseCommand(warningId);
  return {
    type: 'WarningRaised',
    data: {
      warningId,
      kind: command.kind,
      severity: command.severity,
      ruleId: command.ruleId,
      source: command.source,
      subject: command.subject,
      leadDepartment: command.leadDepartment,
      cooperatingDepartments: command.cooperatingDepartments,
      routingTableVersion: command.routingTableVersion,
      dispatch: command.dispatch,
      citizenContactRef: command.citizenContactRef,
      raisedAt: command.at.toISOString(),
      ...overrides,
    },
  };
};

export const dispatched: WarningEvent = {
  type: 'WarningDispatched',
  data: {
    by: actors.dispatcher.id,
    leadDepartment: 'dept-scjg',
    cooperatingDepartments: ['dept-zwfw'],
    at: iso('2026-03-03T10:30:00'),
  },
};

export const replyDeadlineSet = (round = 0, countedFrom = iso('2026-03-03T10:30:00')): WarningEvent => ({
  type: 'ReplyDeadlineSet',
  data: {
    round,
    deadline: { reminderAt: iso('2026-03-06T00:00:00'), dueAt: iso('2026-03-07T00:00:00') },
    workingDays: 3,
    countedFrom,
    calendarCoverage: { 2026: 'official' },
    calendarFallbackYears: [],
    at: countedFrom,
  },
});

export const replied = (round = 0, at = iso('2026-03-05T16:00:00'), onTime = true): WarningEvent => ({
  type: 'WarningReplied',
  data: {
    round,
    by: actors.lead.id,
    department: 'dept-scjg',
    text: '已约谈窗口人员并优化叫号流程',
    evidence: [evidence(1)],
    onTime,
    at,
  },
});

export const callbackDeadlinesSet = (round = 0): WarningEvent => ({
  type: 'CallbackDeadlinesSet',
  data: {
    round,
    phone: { reminderAt: iso('2026-03-09T00:00:00'), dueAt: iso('2026-03-10T00:00:00') },
    onSite: { reminderAt: iso('2026-03-12T00:00:00'), dueAt: iso('2026-03-13T00:00:00') },
    calendarFallbackYears: [],
    at: iso('2026-03-05T16:00:00'),
  },
});

export const phoneRecorded = (satisfied: boolean, round = 0): WarningEvent => ({
  type: 'PhoneCallbackRecorded',
  data: {
    round,
    by: actors.officer.id,
    calledAt: iso('2026-03-06T09:00:00'),
    satisfied,
    notes: '群众表示满意',
    at: iso('2026-03-06T09:10:00'),
  },
});

export const onSiteRecorded = (satisfied: boolean, round = 0): WarningEvent => ({
  type: 'OnSiteCheckRecorded',
  data: {
    round,
    by: actors.officer.id,
    checkedAt: iso('2026-03-06T14:00:00'),
    satisfied,
    notes: '现场核查',
    photo: evidence(2),
    at: iso('2026-03-06T14:30:00'),
  },
});
