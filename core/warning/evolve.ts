import type { CallbackCheck, WarningEvent } from './events.ts';
import type { CheckState, OpenWarning, WarningState } from './state.ts';
import { emptyCheck } from './state.ts';

const updateCheck = (
  state: OpenWarning,
  check: CallbackCheck,
  change: Partial<CheckState>,
): OpenWarning['callbacks'] => ({ ...state.callbacks, [check]: { ...state.callbacks[check], ...change } });

/** Folds one fact into the state. Never throws: an event that does not fit leaves the state as is. */
export const evolve = (state: WarningState, event: WarningEvent): WarningState => {
  if (event.type === 'WarningRaised') {
    if (state.phase !== 'none') return state;
    const data = event.data;
    return {
      phase: 'awaiting_dispatch',
      warningId: data.warningId,
      kind: data.kind,
      source: data.source,
      subject: data.subject,
      leadDepartment: data.leadDepartment,
      cooperatingDepartments: data.cooperatingDepartments,
      citizenContactRef: data.citizenContactRef,
      dispatch: { deadline: data.dispatch, alerted: false, reminded: false, escalationLevel: 0, dispatchedAt: null },
      round: 0,
      reply: { countedFrom: null, deadline: null, reminded: false, escalationLevel: 0, repliedAt: null },
      lastRepliedRound: -1,
      callbacks: { phone: emptyCheck, on_site: emptyCheck },
      appeal: { status: 'none', appellant: null },
      citizenNotified: [],
      outcome: null,
      ratingExcludedFromAppraisal: false,
    };
  }
  if (state.phase === 'none') return state;

  switch (event.type) {
    case 'DispatchersAlerted':
      return { ...state, dispatch: { ...state.dispatch, alerted: true } };
    case 'WarningDispatched':
      return {
        ...state,
        phase: 'awaiting_reply',
        leadDepartment: event.data.leadDepartment,
        cooperatingDepartments: event.data.cooperatingDepartments,
        dispatch: { ...state.dispatch, dispatchedAt: event.data.at },
        reply: { ...state.reply, countedFrom: event.data.at },
      };
    case 'DispatchReminderSent':
      return { ...state, dispatch: { ...state.dispatch, reminded: true } };
    case 'DispatchEscalated':
      return { ...state, dispatch: { ...state.dispatch, escalationLevel: event.data.level } };
    case 'ReplyDeadlineSet':
      return { ...state, reply: { ...state.reply, deadline: event.data.deadline } };
    case 'ReplyReminderSent':
      return { ...state, reply: { ...state.reply, reminded: true } };
    case 'ReplyEscalated':
      return { ...state, reply: { ...state.reply, escalationLevel: event.data.level } };
    case 'CollaborationRequested':
      return {
        ...state,
        cooperatingDepartments: [...new Set([...state.cooperatingDepartments, ...event.data.departments])],
      };
    case 'EvidenceAdded':
    case 'WarningStatusUpdated':
      return state;
    case 'WarningReplied':
      return {
        ...state,
        phase: 'awaiting_callback',
        reply: { ...state.reply, repliedAt: event.data.at },
        lastRepliedRound: event.data.round,
      };
    case 'CallbackDeadlinesSet':
      return {
        ...state,
        callbacks: {
          phone: { ...state.callbacks.phone, deadline: event.data.phone },
          on_site: { ...state.callbacks.on_site, deadline: event.data.onSite },
        },
      };
    case 'CallbackReminderSent':
      return { ...state, callbacks: updateCheck(state, event.data.check, { reminded: true }) };
    case 'CallbackEscalated':
      return { ...state, callbacks: updateCheck(state, event.data.check, { escalationLevel: event.data.level }) };
    case 'PhoneCallbackRecorded':
      return { ...state, callbacks: updateCheck(state, 'phone', { satisfied: event.data.satisfied }) };
    case 'OnSiteCheckRecorded':
      return { ...state, callbacks: updateCheck(state, 'on_site', { satisfied: event.data.satisfied }) };
    case 'WarningReopened':
      // Back to rectification (step 3): a new round with its own reply deadline and call-backs.
      return {
        ...state,
        phase: 'awaiting_reply',
        round: event.data.count,
        reply: { countedFrom: event.data.at, deadline: null, reminded: false, escalationLevel: 0, repliedAt: null },
        callbacks: { phone: emptyCheck, on_site: emptyCheck },
      };
    case 'WarningClosed':
      return {
        ...state,
        phase: 'closed',
        outcome: event.data.outcome,
        ratingExcludedFromAppraisal: state.ratingExcludedFromAppraisal || event.data.ratingExcludedFromAppraisal,
      };
    case 'AppealFiled':
      return { ...state, appeal: { status: 'pending', appellant: event.data.by } };
    case 'AppealReviewed':
      return {
        ...state,
        appeal: { ...state.appeal, status: event.data.decision },
        ratingExcludedFromAppraisal: state.ratingExcludedFromAppraisal || event.data.ratingExcludedFromAppraisal,
      };
    case 'CitizenNotified':
      return { ...state, citizenNotified: [...state.citizenNotified, `${event.data.step}:${event.data.round}`] };
    default: {
      // Unreachable for typed events; an unknown stored type must not break a fold.
      const _unreachable: never = event;
      return state;
    }
  }
};
