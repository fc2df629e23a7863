/**
 * What must hold of a warning's stream and its SMS after any run, crashes or not: read from the
 * events alone, so the checks need no knowledge of when the worker was up.
 */
import type { RecordedEvent } from '../../core/eventstore/types.ts';
import type { WarningEvent } from '../../core/warning/events.ts';
import type { LifecycleConfig } from '../config.ts';
import { recipientIdsOf } from './worker-options.ts';

type Of<T extends WarningEvent['type']> = Extract<WarningEvent, { type: T }>['data'];
const data = <T extends WarningEvent['type']>(event: RecordedEvent, _type: T): Of<T> => event.data as Of<T>;

/**
 * The identity of each fact: the same identity twice in one stream is a duplicated fact (two
 * dispatches, two reminders for one round, two notices of one step), whatever the event ids.
 */
export const factKey = (event: RecordedEvent): string => {
  const e = event.data as Record<string, unknown>;
  switch (event.type) {
    case 'DispatchEscalated':
      return `${event.type}:${String(e.level)}`;
    case 'ReplyDeadlineSet':
    case 'ReplyReminderSent':
    case 'WarningReplied':
    case 'CallbackDeadlinesSet':
    case 'PhoneCallbackRecorded':
    case 'OnSiteCheckRecorded':
      return `${event.type}:${String(e.round)}`;
    case 'ReplyEscalated':
      return `${event.type}:${String(e.round)}:${String(e.level)}`;
    case 'CallbackReminderSent':
      return `${event.type}:${String(e.round)}:${String(e.check)}`;
    case 'CallbackEscalated':
      return `${event.type}:${String(e.round)}:${String(e.check)}:${String(e.level)}`;
    case 'WarningReopened':
      return `${event.type}:${String(e.count)}`;
    case 'CitizenNotified':
      return `${event.type}:${String(e.step)}:${String(e.round)}`;
    // Facts that may legitimately repeat: each is a separate staff contribution.
    case 'CollaborationRequested':
    case 'EvidenceAdded':
    case 'WarningStatusUpdated':
      return `${event.type}:${event.id}`;
    default:
      return event.type;
  }
};

/**
 * The SMS idempotency keys the stream accounts for: every fact the workflow records is followed by
 * its message (`<warningId>:<step key>@<recipient>`), and no message exists without its fact.
 */
export const expectedSmsKeys = (warningId: string, events: readonly RecordedEvent[]): string[] => {
  const keys: string[] = [];
  const to = (step: string, ids: readonly string[]) => ids.forEach((id) => keys.push(`${warningId}:${step}@${id}`));
  const fallback = (step: string, years: readonly number[]) => {
    if (years.length > 0) to(`calendar-fallback:${step}`, recipientIdsOf(['operators']));
  };
  for (const event of events) {
    switch (event.type) {
      case 'DispatchersAlerted':
        to('dispatch-alert:0', recipientIdsOf(['dispatchers']));
        break;
      case 'DispatchReminderSent':
        to('dispatch-reminder:0', recipientIdsOf(['dispatchers']));
        break;
      case 'DispatchEscalated': {
        const { level, audiences } = data(event, 'DispatchEscalated');
        to(`dispatch-escalation-${level}:0`, recipientIdsOf(audiences));
        break;
      }
      case 'ReplyDeadlineSet': {
        const { round, calendarFallbackYears } = data(event, 'ReplyDeadlineSet');
        to(`reply-deadline:${round}`, recipientIdsOf(['department_handlers']));
        fallback(`reply-deadline:${round}`, calendarFallbackYears);
        break;
      }
      case 'ReplyReminderSent':
        to(`reply-reminder:${data(event, 'ReplyReminderSent').round}`, recipientIdsOf(['department_handlers']));
        break;
      case 'ReplyEscalated': {
        const { round, level, audiences } = data(event, 'ReplyEscalated');
        to(`reply-escalation-${level}:${round}`, recipientIdsOf(audiences));
        break;
      }
      case 'CallbackDeadlinesSet': {
        const { round, calendarFallbackYears } = data(event, 'CallbackDeadlinesSet');
        to(`callback-deadlines:${round}`, recipientIdsOf(['callback_officers']));
        fallback(`callback-deadlines:${round}`, calendarFallbackYears);
        break;
      }
      case 'CallbackReminderSent': {
        const { round, check } = data(event, 'CallbackReminderSent');
        to(`${check}-callback-reminder:${round}`, recipientIdsOf(['callback_officers']));
        break;
      }
      case 'CallbackEscalated': {
        const { round, check, level, audiences } = data(event, 'CallbackEscalated');
        to(`${check}-callback-escalation-${level}:${round}`, recipientIdsOf(audiences));
        break;
      }
      case 'CitizenNotified': {
        const { step, round } = data(event, 'CitizenNotified');
        to(`citizen-${step}:${round}`, ['citizen']);
        break;
      }
      default:
        break;
    }
  }
  return keys.sort();
};

/** Every way the stream could contradict itself or the clocks; empty when it is sound. */
export const streamProblems = (events: readonly RecordedEvent[], config: LifecycleConfig): string[] => {
  const problems: string[] = [];
  events.forEach((event, index) => {
    if (event.streamVersion !== index + 1) problems.push(`version ${event.streamVersion} at position ${index + 1}`);
  });
  if (new Set(events.map((e) => e.id)).size !== events.length) problems.push('an event id repeats');
  const seen = new Map<string, number>();
  for (const event of events) seen.set(factKey(event), (seen.get(factKey(event)) ?? 0) + 1);
  for (const [key, count] of seen) if (count > 1) problems.push(`${key} recorded ${count} times`);

  const raised = events[0];
  if (raised?.type !== 'WarningRaised') return [...problems, 'the stream does not start with WarningRaised'];
  const { dispatch } = data(raised, 'WarningRaised');
  const dispatched = events.find((e) => e.type === 'WarningDispatched');
  const closed = events.find((e) => e.type === 'WarningClosed');
  const endOfDispatchPhase = Math.min(dispatched?.streamVersion ?? Infinity, closed?.streamVersion ?? Infinity);
  const dispatchedAt = dispatched ? Date.parse(data(dispatched, 'WarningDispatched').at) : Infinity;
  for (const event of events) {
    if (event.type === 'DispatchReminderSent') {
      const at = Date.parse(data(event, 'DispatchReminderSent').at);
      if (at < Date.parse(dispatch.reminderAt)) problems.push('dispatch reminder before its time');
      if (event.streamVersion > endOfDispatchPhase) problems.push('dispatch reminder after the dispatch phase ended');
    }
    if (event.type === 'DispatchEscalated') {
      const { level, at } = data(event, 'DispatchEscalated');
      const afterDueMs = config.dispatchEscalations.find((l) => l.level === level)?.afterDueMs ?? 0;
      if (Date.parse(at) < Date.parse(dispatch.dueAt) + afterDueMs) problems.push(`dispatch escalation ${level} before its time`);
      if (event.streamVersion > endOfDispatchPhase) problems.push(`dispatch escalation ${level} after the dispatch phase ended`);
    }
  }
  // A person who acted before the clock leaves the timer nothing to do.
  if (dispatchedAt < Date.parse(dispatch.reminderAt) && seen.has('DispatchReminderSent')) {
    problems.push('reminded although dispatched before the reminder time');
  }
  if (dispatchedAt < Date.parse(dispatch.dueAt) && seen.has('DispatchEscalated:1')) {
    problems.push('escalated although dispatched before the deadline');
  }
  if (closed && events.at(-1)!.streamVersion > closed.streamVersion) {
    const after = events.filter((e) => e.streamVersion > closed.streamVersion && e.type !== 'CitizenNotified' && e.type !== 'AppealReviewed');
    if (after.length > 0) problems.push(`facts after closing: ${after.map((e) => e.type).join(', ')}`);
  }
  return problems;
};
