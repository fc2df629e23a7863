/**
 * What the lifecycle workflow should do next, read from the warning's state alone (pure; used
 * inside the workflow sandbox). Each action has a stable key: it names the command (idempotency) and
 * the SMS step, so a replayed or retried action is never applied or sent twice.
 */
import type { CallbackCheck, CitizenStep } from '../core/warning/events.ts';
import type { OpenWarning } from '../core/warning/state.ts';
import type { EscalationLevel, LifecycleConfig } from './config.ts';

export type LifecycleAction =
  | { readonly kind: 'alertDispatchers' }
  | { readonly kind: 'remindDispatch' }
  | { readonly kind: 'escalateDispatch'; readonly level: number; readonly audiences: readonly string[] }
  | { readonly kind: 'setReplyDeadline'; readonly round: number }
  | { readonly kind: 'remindReply'; readonly round: number }
  | { readonly kind: 'escalateReply'; readonly round: number; readonly level: number; readonly audiences: readonly string[] }
  | { readonly kind: 'setCallbackDeadlines'; readonly round: number }
  | { readonly kind: 'remindCallback'; readonly round: number; readonly check: CallbackCheck }
  | {
      readonly kind: 'escalateCallback';
      readonly round: number;
      readonly check: CallbackCheck;
      readonly level: number;
      readonly audiences: readonly string[];
    }
  | { readonly kind: 'notifyCitizen'; readonly step: CitizenStep; readonly round: number };

export interface PlannedAction {
  /** Stable per warning: `<step>:<n>`, e.g. `reply-escalation-1:0` (level 1 of round 0). */
  readonly key: string;
  /** Epoch ms when it is due; 0 = now. */
  readonly at: number;
  readonly action: LifecycleAction;
}

const NOW = 0;

const escalations = (
  dueAt: string,
  done: number,
  levels: readonly EscalationLevel[],
  make: (level: EscalationLevel) => PlannedAction,
): PlannedAction[] =>
  levels.filter((level) => level.level > done).map((level) => ({ ...make(level), at: Date.parse(dueAt) + level.afterDueMs }));

const citizenNotices = (warning: OpenWarning): PlannedAction[] => {
  if (warning.citizenContactRef === null) return [];
  const wanted: { step: CitizenStep; round: number }[] = [];
  if (warning.dispatch.dispatchedAt !== null) wanted.push({ step: 'dispatched', round: 0 });
  if (warning.lastRepliedRound >= 0) wanted.push({ step: 'replied', round: warning.lastRepliedRound });
  // An upheld appeal closes the warning too, but it is not news of a rectification for the rater.
  if (warning.phase === 'closed' && warning.outcome === 'rectified') wanted.push({ step: 'closed', round: warning.round });
  return wanted
    .filter(({ step, round }) => !warning.citizenNotified.includes(`${step}:${round}`))
    .map(({ step, round }) => ({ key: `citizen-${step}:${round}`, at: NOW, action: { kind: 'notifyCitizen', step, round } }));
};

export const planActions = (warning: OpenWarning, config: LifecycleConfig): PlannedAction[] => {
  const planned = citizenNotices(warning);
  const { round } = warning;
  switch (warning.phase) {
    case 'awaiting_dispatch': {
      const { dispatch } = warning;
      if (!dispatch.alerted) planned.push({ key: 'dispatch-alert:0', at: NOW, action: { kind: 'alertDispatchers' } });
      if (!dispatch.reminded) {
        planned.push({ key: 'dispatch-reminder:0', at: Date.parse(dispatch.deadline.reminderAt), action: { kind: 'remindDispatch' } });
      }
      planned.push(
        ...escalations(dispatch.deadline.dueAt, dispatch.escalationLevel, config.dispatchEscalations, (level) => ({
          key: `dispatch-escalation-${level.level}:0`,
          at: NOW,
          action: { kind: 'escalateDispatch', level: level.level, audiences: level.audiences },
        })),
      );
      break;
    }
    case 'awaiting_reply': {
      const { reply } = warning;
      if (!reply.deadline) {
        planned.push({ key: `reply-deadline:${round}`, at: NOW, action: { kind: 'setReplyDeadline', round } });
        break;
      }
      if (!reply.reminded) {
        planned.push({ key: `reply-reminder:${round}`, at: Date.parse(reply.deadline.reminderAt), action: { kind: 'remindReply', round } });
      }
      planned.push(
        ...escalations(reply.deadline.dueAt, reply.escalationLevel, config.replyEscalations, (level) => ({
          key: `reply-escalation-${level.level}:${round}`,
          at: NOW,
          action: { kind: 'escalateReply', round, level: level.level, audiences: level.audiences },
        })),
      );
      break;
    }
    case 'awaiting_callback': {
      if (!warning.callbacks.phone.deadline) {
        planned.push({ key: `callback-deadlines:${round}`, at: NOW, action: { kind: 'setCallbackDeadlines', round } });
        break;
      }
      for (const check of ['phone', 'on_site'] as const) {
        const state = warning.callbacks[check];
        if (state.satisfied !== null || !state.deadline) continue;
        if (!state.reminded) {
          planned.push({
            key: `${check}-callback-reminder:${round}`,
            at: Date.parse(state.deadline.reminderAt),
            action: { kind: 'remindCallback', round, check },
          });
        }
        planned.push(
          ...escalations(state.deadline.dueAt, state.escalationLevel, config.callbackEscalations, (level) => ({
            key: `${check}-callback-escalation-${level.level}:${round}`,
            at: NOW,
            action: { kind: 'escalateCallback', round, check, level: level.level, audiences: level.audiences },
          })),
        );
      }
      break;
    }
    case 'closed':
      break;
    default: {
      const _unreachable: never = warning.phase;
      break;
    }
  }
  return planned;
};
