/**
 * The lifecycle's activities, built by a factory from their dependencies. Every step is a command
 * to the warning decider through `handleCommand` (the path staff actions take), with a command id
 * derived from the warning and the step, so a retried activity never appends twice; the SMS that
 * follows carries the idempotency key `<warningId>:<step>:<n>@<recipient>`, so it is never sent twice.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { WorkingCalendar } from '../core/calendar/working-calendar.ts';
import { handleCommand } from '../core/decider/command-handler.ts';
import { fold } from '../core/decider/decider.ts';
import type { EventStore } from '../core/eventstore/types.ts';
import { DomainError } from '../core/shared/errors.ts';
import type { SmsGateway, SmsPurpose } from '../core/sms/types.ts';
import type { WarningCommand } from '../core/warning/commands.ts';
import { warningDecider } from '../core/warning/decider.ts';
import type { Deadline, WarningEvent } from '../core/warning/events.ts';
import type { OpenWarning } from '../core/warning/state.ts';
import { warningStreamId } from '../core/warning/stream.ts';
import type { LifecycleConfig } from './config.ts';
import type { LifecycleAction } from './plan.ts';
import type { WarningEventSignal } from './signals.ts';
import type { SmsText } from './sms-texts.ts';
import { formatDue, texts, warningRef } from './sms-texts.ts';

export const workflowActor = { id: 'system:warning-workflow', role: 'system' } as const;

export interface StaffRecipient {
  /** A staff account id (never a phone) — it goes into the SMS idempotency key. */
  readonly id: string;
  readonly phone: string;
}

/** Who gets the messages: a directory of staff by role and department, and the PII vault for raters. */
export interface WarningRecipients {
  /** Audiences: dispatchers, supervisor, department_handlers, department_head, working_group, callback_officers, operators, … */
  staff(audience: string, department: string | null): Promise<readonly StaffRecipient[]>;
  /** The rater's phone from the PII-vault reference; null when it is gone (shredded) or unknown. */
  citizenPhone(contactRef: string): Promise<string | null>;
}

export interface WarningActivityDeps {
  readonly store: EventStore;
  readonly sms: SmsGateway;
  /** The calendar in force (official data plus the arrangements loaded into config-calendar). */
  readonly calendar: () => Promise<WorkingCalendar>;
  readonly clock: () => Date;
  readonly recipients: WarningRecipients;
  /** How late a timer fired compared with the moment it was set for (ms), for metrics. */
  readonly onTimerLateness?: (key: string, ms: number) => void;
  readonly log?: (line: string) => void;
}

export interface PerformLifecycleActionInput {
  readonly warningId: string;
  readonly key: string;
  readonly action: LifecycleAction;
  /** Workflow time of the decision (ISO); the command is judged at this instant. */
  readonly at: string;
  readonly config: LifecycleConfig;
  /** The stream version the workflow has applied: the result carries every event after it. */
  readonly knownVersion: number;
}

const toSignal = (event: { id: string; type: string; data: unknown; streamVersion: number }): WarningEventSignal => ({
  eventId: event.id,
  type: event.type,
  data: event.data,
  streamVersion: event.streamVersion,
});

export const createWarningActivities = (deps: WarningActivityDeps) => {
  const log = deps.log ?? ((line: string) => console.warn(line));

  const readWarningEvents = async (input: { warningId: string; fromVersion: number }): Promise<WarningEventSignal[]> =>
    (await deps.store.readStream(warningStreamId(input.warningId), { fromVersion: input.fromVersion })).map(toSignal);

  const readWarningWithEvents = async (warningId: string): Promise<{ warning: OpenWarning; events: readonly WarningEvent[] }> => {
    const events = (await deps.store.readStream(warningStreamId(warningId))) as unknown as WarningEvent[];
    const warning = fold(warningDecider, events);
    if (warning.phase === 'none') throw ApplicationFailure.nonRetryable(`warning ${warningId} not found`, 'WARNING_NOT_FOUND');
    return { warning, events };
  };
  const readWarning = async (warningId: string): Promise<OpenWarning> => (await readWarningWithEvents(warningId)).warning;

  /**
   * The rater's phone for a progress notice. A keyring without the key that sealed it is an operator's
   * mistake that retrying will not mend: the notice is given up with an error in the log (naming the
   * warning and what to fix), so that this warning's reminders and escalations, which wait behind the
   * activity, go on. Other faults (the database) are thrown and retried.
   */
  const citizenPhoneOf = async (warningId: string, contactRef: string): Promise<string | null> => {
    try {
      return await deps.recipients.citizenPhone(contactRef);
    } catch (error) {
      if (!(error instanceof DomainError) || error.code !== 'PII_KEY_UNKNOWN') throw error;
      log(`citizen notice of warning ${warningId} not sent: ${error.message} (${String(error.details['en'])}); add the key to PINGGAI_PII_KEYS`);
      throw ApplicationFailure.nonRetryable(`citizen notice not sent: ${String(error.details['en'])}`, error.code);
    }
  };

  /**
   * The deadline fact of this round, when an earlier attempt of the action recorded it and died
   * before its SMS: the SMS is still owed, whatever the warning did since (it may have moved on).
   */
  const recordedFact = <T extends WarningEvent['type']>(events: readonly WarningEvent[], type: T, round: number) =>
    events.find((event): event is Extract<WarningEvent, { type: T }> => event.type === type && (event.data as { round?: number }).round === round);

  /** Decides the command; true when its events are in the stream (now or from an earlier attempt). */
  const decide = async (input: PerformLifecycleActionInput, build: (at: Date) => WarningCommand): Promise<boolean> => {
    const at = new Date(input.at);
    try {
      const result = await handleCommand(deps.store, warningStreamId(input.warningId), warningDecider, build(at), {
        commandId: `${input.warningId}:${input.key}`,
        actor: workflowActor,
        now: at,
        correlationId: input.warningId,
      });
      return result.appended.length > 0 || result.alreadyHandled;
    } catch (error) {
      if (error instanceof DomainError) throw ApplicationFailure.nonRetryable(error.message, error.code, error.details);
      throw error;
    }
  };

  const sendToStaff = async (
    input: PerformLifecycleActionInput,
    audiences: readonly string[],
    department: string | null,
    message: SmsText,
    purpose: SmsPurpose,
  ): Promise<void> => {
    const seen = new Set<string>();
    for (const audience of audiences) {
      for (const recipient of await deps.recipients.staff(audience, department)) {
        if (seen.has(recipient.id)) continue;
        seen.add(recipient.id);
        await send(`${input.warningId}:${input.key}@${recipient.id}`, recipient.phone, message, purpose);
      }
    }
  };

  const send = async (idempotencyKey: string, to: string, message: SmsText, purpose: SmsPurpose): Promise<void> => {
    try {
      const result = await deps.sms.send({ idempotencyKey, to, ...message, purpose });
      // A failed or in-doubt SMS must not hold up the lifecycle: it is in the send log for the console.
      if (result.status !== 'sent') log(`[warning sms] ${idempotencyKey}: ${result.status} ${result.error?.code ?? ''}`);
    } catch (error) {
      // A refused message (e.g. a directory entry with a bad number) would fail every retry the same
      // way; an infrastructure error is retried by Temporal, and the idempotency key keeps it single.
      if (!(error instanceof DomainError)) throw error;
      log(`[warning sms] ${idempotencyKey}: refused ${error.code}`);
    }
  };

  const alertOperators = async (input: PerformLifecycleActionInput, years: readonly number[]): Promise<void> => {
    if (years.length === 0) return;
    log(`[calendar] no holiday data for ${years.join(',')}: warning ${input.warningId} deadline counted weekdays only`);
    const message = texts.calendarFallback(warningRef(input.warningId), years.join('、'));
    const alertInput = { ...input, key: `calendar-fallback:${input.key}` };
    await sendToStaff(alertInput, ['operators'], null, message, 'warning_alert');
  };

  const countDeadline = (calendar: WorkingCalendar, from: string, workingDays: number, reminderBefore: number) => {
    const due = calendar.dueAfterWorkingDays(new Date(from), workingDays, { endOfDay: true, timeZone: 'Asia/Shanghai' });
    const reminder = calendar.workingDaysBefore(due.at, reminderBefore);
    const deadline: Deadline = { dueAt: due.at.toISOString(), reminderAt: reminder.at.toISOString() };
    const fallbackYears = [...new Set([...due.fallbackYears, ...reminder.fallbackYears])].sort();
    return { deadline, coverage: { ...reminder.coverage, ...due.coverage }, fallbackYears };
  };

  const performLifecycleAction = async (input: PerformLifecycleActionInput): Promise<WarningEventSignal[]> => {
    const { action, warningId } = input;
    const ref = warningRef(warningId);
    const lateness = deps.clock().getTime() - Date.parse(input.at);
    deps.onTimerLateness?.(input.key, lateness);

    switch (action.kind) {
      case 'alertDispatchers': {
        const warning = await readWarning(warningId);
        if (await decide(input, (at) => ({ type: 'AlertDispatchers', at, actor: workflowActor }))) {
          await sendToStaff(input, ['dispatchers'], null, texts.alert(ref, formatDue(warning.dispatch.deadline.dueAt)), 'warning_alert');
        }
        break;
      }
      case 'remindDispatch': {
        const warning = await readWarning(warningId);
        if (await decide(input, (at) => ({ type: 'RemindDispatch', at, actor: workflowActor }))) {
          const message = texts.dispatchReminder(ref, formatDue(warning.dispatch.deadline.dueAt));
          await sendToStaff(input, ['dispatchers'], null, message, 'reminder');
        }
        break;
      }
      case 'escalateDispatch':
        if (await decide(input, (at) => ({ type: 'EscalateDispatch', level: action.level, audiences: action.audiences, at, actor: workflowActor }))) {
          await sendToStaff(input, action.audiences, null, texts.escalation(ref, 'dispatch', action.level), 'warning_alert');
        }
        break;
      case 'setReplyDeadline': {
        const { warning, events } = await readWarningWithEvents(warningId);
        const recorded = recordedFact(events, 'ReplyDeadlineSet', action.round);
        if (recorded) {
          const message = texts.replyDeadline(ref, formatDue(recorded.data.deadline.dueAt));
          await sendToStaff(input, ['department_handlers'], warning.leadDepartment, message, 'warning_alert');
          await alertOperators(input, recorded.data.calendarFallbackYears);
          break;
        }
        if (warning.phase !== 'awaiting_reply' || warning.round !== action.round || !warning.reply.countedFrom) break;
        const countedFrom = warning.reply.countedFrom;
        const calendar = await deps.calendar();
        const { deadline, coverage, fallbackYears } = countDeadline(
          calendar,
          countedFrom,
          input.config.replyWorkingDays,
          input.config.replyReminderWorkingDaysBefore,
        );
        const decided = await decide(input, (at) => ({
          type: 'SetReplyDeadline',
          round: action.round,
          deadline,
          workingDays: input.config.replyWorkingDays,
          countedFrom,
          calendarCoverage: coverage,
          calendarFallbackYears: fallbackYears,
          at,
          actor: workflowActor,
        }));
        if (decided) {
          const message = texts.replyDeadline(ref, formatDue(deadline.dueAt));
          await sendToStaff(input, ['department_handlers'], warning.leadDepartment, message, 'warning_alert');
          await alertOperators(input, fallbackYears);
        }
        break;
      }
      case 'remindReply': {
        const warning = await readWarning(warningId);
        if (await decide(input, (at) => ({ type: 'RemindReply', round: action.round, at, actor: workflowActor }))) {
          const message = texts.replyReminder(ref, formatDue(warning.reply.deadline?.dueAt ?? input.at));
          await sendToStaff(input, ['department_handlers'], warning.leadDepartment, message, 'reminder');
        }
        break;
      }
      case 'escalateReply': {
        const warning = await readWarning(warningId);
        const command = (at: Date): WarningCommand => ({
          type: 'EscalateReply',
          round: action.round,
          level: action.level,
          audiences: action.audiences,
          at,
          actor: workflowActor,
        });
        if (await decide(input, command)) {
          const message = texts.escalation(ref, 'reply', action.level);
          await sendToStaff(input, action.audiences, warning.leadDepartment, message, 'warning_alert');
        }
        break;
      }
      case 'setCallbackDeadlines': {
        const { warning, events } = await readWarningWithEvents(warningId);
        const recorded = recordedFact(events, 'CallbackDeadlinesSet', action.round);
        if (recorded) {
          const message = texts.callbackDeadlines(ref, formatDue(recorded.data.phone.dueAt), formatDue(recorded.data.onSite.dueAt));
          await sendToStaff(input, ['callback_officers'], null, message, 'callback');
          await alertOperators(input, recorded.data.calendarFallbackYears);
          break;
        }
        if (warning.phase !== 'awaiting_callback' || warning.round !== action.round || !warning.reply.repliedAt) break;
        const calendar = await deps.calendar();
        const { config } = input;
        const phone = countDeadline(calendar, warning.reply.repliedAt, config.phoneCallbackWorkingDays, config.callbackReminderWorkingDaysBefore);
        const onSite = countDeadline(calendar, warning.reply.repliedAt, config.onSiteCheckWorkingDays, config.callbackReminderWorkingDaysBefore);
        const fallbackYears = [...new Set([...phone.fallbackYears, ...onSite.fallbackYears])].sort();
        const decided = await decide(input, (at) => ({
          type: 'SetCallbackDeadlines',
          round: action.round,
          phone: phone.deadline,
          onSite: onSite.deadline,
          calendarFallbackYears: fallbackYears,
          at,
          actor: workflowActor,
        }));
        if (decided) {
          const message = texts.callbackDeadlines(ref, formatDue(phone.deadline.dueAt), formatDue(onSite.deadline.dueAt));
          await sendToStaff(input, ['callback_officers'], null, message, 'callback');
          await alertOperators(input, fallbackYears);
        }
        break;
      }
      case 'remindCallback': {
        const warning = await readWarning(warningId);
        const command = (at: Date): WarningCommand => ({ type: 'RemindCallback', round: action.round, check: action.check, at, actor: workflowActor });
        if (await decide(input, command)) {
          const due = warning.callbacks[action.check].deadline?.dueAt ?? input.at;
          await sendToStaff(input, ['callback_officers'], null, texts.callbackReminder(ref, action.check, formatDue(due)), 'reminder');
        }
        break;
      }
      case 'escalateCallback': {
        const command = (at: Date): WarningCommand => ({
          type: 'EscalateCallback',
          round: action.round,
          check: action.check,
          level: action.level,
          audiences: action.audiences,
          at,
          actor: workflowActor,
        });
        if (await decide(input, command)) {
          await sendToStaff(input, action.audiences, null, texts.escalation(ref, action.check, action.level), 'warning_alert');
        }
        break;
      }
      case 'notifyCitizen': {
        const warning = await readWarning(warningId);
        const phone = warning.citizenContactRef === null ? null : await citizenPhoneOf(warningId, warning.citizenContactRef);
        if (phone === null) break; // anonymous, or the contact was shredded: nobody to tell
        const command = (at: Date): WarningCommand => ({ type: 'NotifyCitizen', step: action.step, round: action.round, at, actor: workflowActor });
        if (await decide(input, command)) {
          await send(`${warningId}:${input.key}@citizen`, phone, texts.citizen(action.step), 'other');
        }
        break;
      }
      default: {
        const _unreachable: never = action;
        throw ApplicationFailure.nonRetryable(`unknown lifecycle action ${JSON.stringify(_unreachable)}`);
      }
    }
    return readWarningEvents({ warningId, fromVersion: input.knownVersion + 1 });
  };

  return { performLifecycleAction, readWarningEvents };
};

export type WarningActivities = ReturnType<typeof createWarningActivities>;
