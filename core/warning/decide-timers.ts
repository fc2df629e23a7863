/**
 * Commands of the lifecycle workflow (系统计时器). Each is judged against the deadline in force: a
 * timer that fires after the staff action it waited for decides nothing, and a repeated timer decides
 * nothing, so a race between a person and a timer has exactly one outcome.
 */
import type {
  AlertDispatchers,
  EscalateCallback,
  EscalateDispatch,
  EscalateReply,
  NotifyCitizen,
  RemindCallback,
  RemindDispatch,
  RemindReply,
  SetCallbackDeadlines,
  SetReplyDeadline,
} from './commands.ts';
import type { Deadline, WarningEvent } from './events.ts';
import { existing, invalid, refuse, requireReached, requireSystem } from './guards.ts';
import type { WarningState } from './state.ts';

const nothing: WarningEvent[] = [];

/**
 * A reminder that comes only when its deadline has already passed (the worker was down, the
 * forwarder behind) would tell people "due by …" of a time gone by, just before the escalation: it
 * decides nothing, and the escalation speaks instead. A policy with no lead time (reminder at the
 * deadline itself) still reminds at that instant.
 */
export const tooLateToRemind = (at: Date, deadline: Deadline): boolean => {
  const due = Date.parse(deadline.dueAt);
  return at.getTime() > due || (at.getTime() === due && Date.parse(deadline.reminderAt) < due);
};

const requireOrderedDeadline = (deadline: Deadline, field: string): void => {
  if (!(Date.parse(deadline.reminderAt) <= Date.parse(deadline.dueAt))) {
    invalid(field, '提醒时间必须早于截止时间', 'The reminder must come before the deadline.');
  }
};

export const alertDispatchers = (command: AlertDispatchers, state: WarningState): WarningEvent[] => {
  requireSystem(command.actor);
  const warning = existing(state);
  if (warning.phase !== 'awaiting_dispatch' || warning.dispatch.alerted) return nothing;
  return [{ type: 'DispatchersAlerted', data: { at: command.at.toISOString() } }];
};

export const remindDispatch = (command: RemindDispatch, state: WarningState): WarningEvent[] => {
  requireSystem(command.actor);
  const warning = existing(state);
  if (warning.phase !== 'awaiting_dispatch' || warning.dispatch.reminded) return nothing;
  if (tooLateToRemind(command.at, warning.dispatch.deadline)) return nothing;
  requireReached(command.at, warning.dispatch.deadline.reminderAt, { 'zh-CN': '派单提醒', en: 'dispatch reminder' });
  return [{ type: 'DispatchReminderSent', data: { at: command.at.toISOString() } }];
};

export const escalateDispatch = (command: EscalateDispatch, state: WarningState): WarningEvent[] => {
  requireSystem(command.actor);
  const warning = existing(state);
  if (warning.phase !== 'awaiting_dispatch' || command.level <= warning.dispatch.escalationLevel) return nothing;
  requireReached(command.at, warning.dispatch.deadline.dueAt, { 'zh-CN': '派单超时升级', en: 'dispatch escalation' });
  return [
    {
      type: 'DispatchEscalated',
      data: { level: command.level, audiences: command.audiences, at: command.at.toISOString() },
    },
  ];
};

export const setReplyDeadline = (command: SetReplyDeadline, state: WarningState): WarningEvent[] => {
  requireSystem(command.actor);
  const warning = existing(state);
  if (warning.phase !== 'awaiting_reply' || command.round !== warning.round || warning.reply.deadline) return nothing;
  requireOrderedDeadline(command.deadline, 'deadline');
  if (command.countedFrom !== warning.reply.countedFrom) {
    refuse('WARNING_STALE_DEADLINE', '答复时限的起算时间与当前轮次不符', 'The reply deadline does not count from the current round.', 409, { countedFrom: warning.reply.countedFrom });
  }
  return [
    {
      type: 'ReplyDeadlineSet',
      data: {
        round: command.round,
        deadline: command.deadline,
        workingDays: command.workingDays,
        countedFrom: command.countedFrom,
        calendarCoverage: command.calendarCoverage,
        calendarFallbackYears: command.calendarFallbackYears,
        at: command.at.toISOString(),
      },
    },
  ];
};

export const remindReply = (command: RemindReply, state: WarningState): WarningEvent[] => {
  requireSystem(command.actor);
  const warning = existing(state);
  const { reply } = warning;
  if (warning.phase !== 'awaiting_reply' || command.round !== warning.round || !reply.deadline || reply.reminded) {
    return nothing;
  }
  if (tooLateToRemind(command.at, reply.deadline)) return nothing;
  requireReached(command.at, reply.deadline.reminderAt, { 'zh-CN': '答复提醒', en: 'reply reminder' });
  return [{ type: 'ReplyReminderSent', data: { round: command.round, at: command.at.toISOString() } }];
};

export const escalateReply = (command: EscalateReply, state: WarningState): WarningEvent[] => {
  requireSystem(command.actor);
  const warning = existing(state);
  const { reply } = warning;
  if (
    warning.phase !== 'awaiting_reply' ||
    command.round !== warning.round ||
    !reply.deadline ||
    command.level <= reply.escalationLevel
  ) {
    return nothing;
  }
  requireReached(command.at, reply.deadline.dueAt, { 'zh-CN': '答复超时升级', en: 'reply escalation' });
  return [
    {
      type: 'ReplyEscalated',
      data: { round: command.round, level: command.level, audiences: command.audiences, at: command.at.toISOString() },
    },
  ];
};

export const setCallbackDeadlines = (command: SetCallbackDeadlines, state: WarningState): WarningEvent[] => {
  requireSystem(command.actor);
  const warning = existing(state);
  if (warning.phase !== 'awaiting_callback' || command.round !== warning.round || warning.callbacks.phone.deadline) {
    return nothing;
  }
  requireOrderedDeadline(command.phone, 'phone');
  requireOrderedDeadline(command.onSite, 'onSite');
  return [
    {
      type: 'CallbackDeadlinesSet',
      data: {
        round: command.round,
        phone: command.phone,
        onSite: command.onSite,
        calendarFallbackYears: command.calendarFallbackYears,
        at: command.at.toISOString(),
      },
    },
  ];
};

export const remindCallback = (command: RemindCallback, state: WarningState): WarningEvent[] => {
  requireSystem(command.actor);
  const warning = existing(state);
  const check = warning.callbacks[command.check];
  if (
    warning.phase !== 'awaiting_callback' ||
    command.round !== warning.round ||
    !check.deadline ||
    check.satisfied !== null ||
    check.reminded
  ) {
    return nothing;
  }
  if (tooLateToRemind(command.at, check.deadline)) return nothing;
  requireReached(command.at, check.deadline.reminderAt, { 'zh-CN': '回访提醒', en: 'call-back reminder' });
  return [
    { type: 'CallbackReminderSent', data: { round: command.round, check: command.check, at: command.at.toISOString() } },
  ];
};

export const escalateCallback = (command: EscalateCallback, state: WarningState): WarningEvent[] => {
  requireSystem(command.actor);
  const warning = existing(state);
  const check = warning.callbacks[command.check];
  if (
    warning.phase !== 'awaiting_callback' ||
    command.round !== warning.round ||
    !check.deadline ||
    check.satisfied !== null ||
    command.level <= check.escalationLevel
  ) {
    return nothing;
  }
  requireReached(command.at, check.deadline.dueAt, { 'zh-CN': '回访超时升级', en: 'call-back escalation' });
  return [
    {
      type: 'CallbackEscalated',
      data: {
        round: command.round,
        check: command.check,
        level: command.level,
        audiences: command.audiences,
        at: command.at.toISOString(),
      },
    },
  ];
};

/** 回告群众: only for raters who left a phone, once per step and round, never before the step. */
export const notifyCitizen = (command: NotifyCitizen, state: WarningState): WarningEvent[] => {
  requireSystem(command.actor);
  const warning = existing(state);
  if (warning.citizenContactRef === null) return nothing;
  if (warning.citizenNotified.includes(`${command.step}:${command.round}`)) return nothing;
  const reached =
    command.step === 'dispatched'
      ? warning.dispatch.dispatchedAt !== null && command.round === 0
      : command.step === 'replied'
        ? warning.lastRepliedRound >= command.round
        : warning.phase === 'closed';
  if (!reached) refuse('WARNING_STEP_NOT_REACHED', '该进展尚未发生', 'That step has not happened yet.', 409, { step: command.step, round: command.round });
  return [
    { type: 'CitizenNotified', data: { step: command.step, round: command.round, at: command.at.toISOString() } },
  ];
};
