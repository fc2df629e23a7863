/** Commands of people: dispatchers, departments, call-back officers, appellants and reviewers. */
import type {
  AddEvidence,
  DispatchWarning,
  FileAppeal,
  RecordOnSiteCheck,
  RecordPhoneCallback,
  ReplyToWarning,
  RequestCollaboration,
  ReviewAppeal,
  UpdateWarningStatus,
} from './commands.ts';
import { roles } from './commands.ts';
import type { CallbackCheck, WarningEvent } from './events.ts';
import {
  existing,
  invalid,
  notClosed,
  refuse,
  requireDispatchedOpen,
  requireEvidence,
  requireLead,
  requireParticipant,
  requireRole,
  requireText,
} from './guards.ts';
import type { OpenWarning, WarningState } from './state.ts';

export const dispatchWarning = (command: DispatchWarning, state: WarningState): WarningEvent[] => {
  requireRole(command.actor, roles.dispatcher);
  const warning = existing(state);
  notClosed(warning);
  if (warning.phase !== 'awaiting_dispatch') refuse('WARNING_ALREADY_DISPATCHED', '该预警已派单', 'The warning has already been dispatched.');
  const leadDepartment = command.leadDepartment ?? warning.leadDepartment;
  if (leadDepartment.trim() === '') invalid('leadDepartment', '牵头部门不能为空', 'The lead department must not be empty.');
  const cooperatingDepartments = (command.cooperatingDepartments ?? warning.cooperatingDepartments).filter(
    (department) => department !== leadDepartment,
  );
  return [
    {
      type: 'WarningDispatched',
      data: {
        by: command.actor.id,
        leadDepartment,
        cooperatingDepartments: [...new Set(cooperatingDepartments)],
        ...(command.note ? { note: command.note } : {}),
        at: command.at.toISOString(),
      },
    },
  ];
};

export const requestCollaboration = (command: RequestCollaboration, state: WarningState): WarningEvent[] => {
  const warning = existing(state);
  requireDispatchedOpen(warning);
  requireLead(warning, command.actor);
  const departments = [...new Set(command.departments)].filter((department) => department.trim() !== '');
  if (departments.length === 0) invalid('departments', '请指定配合部门', 'Name the cooperating departments.');
  if (departments.includes(warning.leadDepartment)) invalid('departments', '牵头部门不能作为配合部门', 'The lead department cannot also be a cooperating one.');
  return [
    {
      type: 'CollaborationRequested',
      data: {
        by: command.actor.id,
        departments,
        note: requireText(command.note, 'note'),
        at: command.at.toISOString(),
      },
    },
  ];
};

export const addEvidence = (command: AddEvidence, state: WarningState): WarningEvent[] => {
  const warning = existing(state);
  requireDispatchedOpen(warning);
  const department = requireParticipant(warning, command.actor);
  requireEvidence(command.evidence, 'evidence');
  return [
    {
      type: 'EvidenceAdded',
      data: {
        by: command.actor.id,
        department,
        evidence: command.evidence,
        ...(command.description ? { description: command.description } : {}),
        at: command.at.toISOString(),
      },
    },
  ];
};

export const updateWarningStatus = (command: UpdateWarningStatus, state: WarningState): WarningEvent[] => {
  const warning = existing(state);
  requireDispatchedOpen(warning);
  const department = requireParticipant(warning, command.actor);
  return [
    {
      type: 'WarningStatusUpdated',
      data: { by: command.actor.id, department, note: requireText(command.note, 'note'), at: command.at.toISOString() },
    },
  ];
};

export const replyToWarning = (command: ReplyToWarning, state: WarningState): WarningEvent[] => {
  const warning = existing(state);
  notClosed(warning);
  if (warning.phase === 'awaiting_dispatch') refuse('WARNING_NOT_DISPATCHED', '预警尚未派单', 'The warning has not been dispatched yet.');
  if (warning.phase === 'awaiting_callback') refuse('WARNING_ALREADY_REPLIED', '本轮已答复，等待回访', 'This round has been answered and awaits the call-back.');
  const department = requireLead(warning, command.actor);
  const text = requireText(command.text, 'text');
  command.evidence.forEach((evidence, index) => requireEvidence(evidence, `evidence[${index}]`));
  const { deadline, escalationLevel } = warning.reply;
  // The decider's answer stands: once the deadline was judged missed, a reply is late even if its
  // clock reading equals the deadline.
  const onTime = escalationLevel === 0 && (deadline === null || command.at.getTime() <= Date.parse(deadline.dueAt));
  return [
    {
      type: 'WarningReplied',
      data: {
        round: warning.round,
        by: command.actor.id,
        department,
        text,
        evidence: command.evidence,
        onTime,
        at: command.at.toISOString(),
      },
    },
  ];
};

/** After one check is recorded: close when both verify, reopen as soon as one fails. */
const verdict = (warning: OpenWarning, check: CallbackCheck, satisfied: boolean, at: Date): WarningEvent[] => {
  if (!satisfied) {
    return [{ type: 'WarningReopened', data: { count: warning.round + 1, failedCheck: check, at: at.toISOString() } }];
  }
  const other = check === 'phone' ? warning.callbacks.on_site : warning.callbacks.phone;
  if (other.satisfied !== true) return [];
  return [
    { type: 'WarningClosed', data: { outcome: 'rectified', ratingExcludedFromAppraisal: false, at: at.toISOString() } },
  ];
};

const requireAwaitingCallback = (warning: OpenWarning, check: CallbackCheck): void => {
  notClosed(warning);
  if (warning.phase !== 'awaiting_callback') refuse('WARNING_NOT_REPLIED', '本轮尚未答复，不能回访', 'This round has not been answered yet, so there is no call-back to record.');
  if (warning.callbacks[check].satisfied !== null) refuse('WARNING_CALLBACK_ALREADY_RECORDED', '本轮已记录该回访', 'This call-back is already recorded for this round.');
};

const requireNotFuture = (when: Date, at: Date, field: string): void => {
  if (Number.isNaN(when.getTime()) || when.getTime() > at.getTime()) invalid(field, '回访时间不能晚于记录时间', 'The call-back cannot be later than the time it is recorded.');
};

export const recordPhoneCallback = (command: RecordPhoneCallback, state: WarningState): WarningEvent[] => {
  requireRole(command.actor, roles.callbackOfficer);
  const warning = existing(state);
  requireAwaitingCallback(warning, 'phone');
  requireNotFuture(command.calledAt, command.at, 'calledAt');
  return [
    {
      type: 'PhoneCallbackRecorded',
      data: {
        round: warning.round,
        by: command.actor.id,
        calledAt: command.calledAt.toISOString(),
        satisfied: command.satisfied,
        notes: command.notes.trim(),
        at: command.at.toISOString(),
      },
    },
    ...verdict(warning, 'phone', command.satisfied, command.at),
  ];
};

export const recordOnSiteCheck = (command: RecordOnSiteCheck, state: WarningState): WarningEvent[] => {
  requireRole(command.actor, roles.callbackOfficer);
  const warning = existing(state);
  requireAwaitingCallback(warning, 'on_site');
  requireNotFuture(command.checkedAt, command.at, 'checkedAt');
  requireEvidence(command.photo, 'photo');
  return [
    {
      type: 'OnSiteCheckRecorded',
      data: {
        round: warning.round,
        by: command.actor.id,
        checkedAt: command.checkedAt.toISOString(),
        satisfied: command.satisfied,
        notes: command.notes.trim(),
        photo: command.photo,
        at: command.at.toISOString(),
      },
    },
    ...verdict(warning, 'on_site', command.satisfied, command.at),
  ];
};

/** 申诉: only ratings can be contested, by the rated staff member or the rated department. */
export const fileAppeal = (command: FileAppeal, state: WarningState): WarningEvent[] => {
  const warning = existing(state);
  notClosed(warning);
  if (!warning.source.ratingEventId) refuse('WARNING_NOT_APPEALABLE', '该预警并非由评价引起，不能申诉', 'This warning was not raised by a rating, so it cannot be appealed.', 422);
  const { staffId, department } = warning.subject;
  const isRatedStaff = staffId !== undefined && command.actor.id === staffId;
  const isRatedDepartment = department !== undefined && command.actor.department === department;
  if (!isRatedStaff && !isRatedDepartment) refuse('WARNING_APPEAL_NOT_ALLOWED', '只有被评价的人员或部门可以申诉', 'Only the rated staff member or department may appeal.', 403);
  if (warning.appeal.status !== 'none') refuse('WARNING_APPEAL_ALREADY_FILED', '该预警已申诉过', 'This warning has already been appealed.');
  const reason = requireText(command.reason, 'reason');
  if (command.evidence.length === 0) invalid('evidence', '申诉需要佐证材料', 'An appeal needs supporting evidence.');
  command.evidence.forEach((evidence, index) => requireEvidence(evidence, `evidence[${index}]`));
  return [
    {
      type: 'AppealFiled',
      data: {
        by: command.actor.id,
        department: command.actor.department ?? null,
        reason,
        evidence: command.evidence,
        at: command.at.toISOString(),
      },
    },
  ];
};

/** 复核: upheld closes the warning and excludes the rating from appraisal; the rating event stays. */
export const reviewAppeal = (command: ReviewAppeal, state: WarningState): WarningEvent[] => {
  requireRole(command.actor, roles.appealReviewer);
  const warning = existing(state);
  if (warning.appeal.status !== 'pending') refuse('WARNING_NO_PENDING_APPEAL', '没有待复核的申诉', 'There is no appeal awaiting review.');
  if (warning.appeal.appellant === command.actor.id) refuse('WARNING_REVIEWER_CONFLICT', '申诉人不能复核自己的申诉', 'An appellant cannot review their own appeal.', 403);
  const upheld = command.decision === 'upheld';
  const at = command.at.toISOString();
  const reviewed: WarningEvent = {
    type: 'AppealReviewed',
    data: {
      by: command.actor.id,
      decision: command.decision,
      reason: requireText(command.reason, 'reason'),
      ratingEventId: warning.source.ratingEventId ?? null,
      ratingExcludedFromAppraisal: upheld,
      at,
    },
  };
  if (!upheld || warning.phase === 'closed') return [reviewed];
  return [
    reviewed,
    { type: 'WarningClosed', data: { outcome: 'appeal_upheld', ratingExcludedFromAppraisal: true, at } },
  ];
};
