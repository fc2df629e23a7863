import { describe, expect, it } from 'vitest';
import { fold } from '../decider/decider.ts';
import { spec } from '../decider/testing.ts';
import type { WarningCommand } from './commands.ts';
import { warningDecider } from './decider.ts';
import type { WarningEvent } from './events.ts';
import type { OpenWarning } from './state.ts';
import {
  actors,
  callbackDeadlinesSet,
  cst,
  dispatched,
  evidence,
  iso,
  onSiteRecorded,
  phoneRecorded,
  raised,
  replied,
  replyDeadlineSet,
} from './testing.ts';

const warning = spec(warningDecider);
const awaitingCallback = [raised(), dispatched, replyDeadlineSet(), replied(), callbackDeadlinesSet()];
const reopened = (count: number, failedCheck: 'phone' | 'on_site', at: string): WarningEvent => ({
  type: 'WarningReopened',
  data: { count, failedCheck, at },
});
const closedRectified = (at: string): WarningEvent => ({
  type: 'WarningClosed',
  data: { outcome: 'rectified', ratingExcludedFromAppraisal: false, at },
});

const phone = (satisfied: boolean, actor = actors.officer, calledAt = '2026-03-06T09:00:00'): WarningCommand => ({
  type: 'RecordPhoneCallback',
  calledAt: cst(calledAt),
  satisfied,
  notes: '群众表示满意',
  at: cst('2026-03-06T09:10:00'),
  actor,
});
const onSite = (satisfied: boolean, photo = evidence(2)): WarningCommand => ({
  type: 'RecordOnSiteCheck',
  checkedAt: cst('2026-03-06T14:00:00'),
  satisfied,
  notes: '现场核查',
  photo,
  at: cst('2026-03-06T14:30:00'),
  actor: actors.officer,
});

describe('SetCallbackDeadlines, RemindCallback, EscalateCallback (回访时限)', () => {
  const afterReply = [raised(), dispatched, replyDeadlineSet(), replied()];
  const set: WarningCommand = {
    type: 'SetCallbackDeadlines',
    round: 0,
    phone: { reminderAt: iso('2026-03-09T00:00:00'), dueAt: iso('2026-03-10T00:00:00') },
    onSite: { reminderAt: iso('2026-03-12T00:00:00'), dueAt: iso('2026-03-13T00:00:00') },
    calendarFallbackYears: [],
    at: cst('2026-03-05T16:00:00'),
    actor: actors.system,
  };
  const remind = (check: 'phone' | 'on_site', at: string): WarningCommand => ({
    type: 'RemindCallback',
    round: 0,
    check,
    at: cst(at),
    actor: actors.system,
  });
  const escalate = (check: 'phone' | 'on_site', at: string): WarningCommand => ({
    type: 'EscalateCallback',
    round: 0,
    check,
    level: 1,
    audiences: ['working_group'],
    at: cst(at),
    actor: actors.system,
  });

  it('sets both call-back deadlines after the reply', () => {
    warning.given(afterReply).when(set).then([callbackDeadlinesSet()]);
  });
  it('setting them again or before the reply decides nothing', () => {
    warning.given(awaitingCallback).when(set).then([]);
    warning.given([raised(), dispatched]).when(set).then([]);
  });
  it('refuses a reminder after the due time', () => {
    warning
      .given(afterReply)
      .when({ ...set, onSite: { reminderAt: iso('2026-03-14T00:00:00'), dueAt: iso('2026-03-13T00:00:00') } } as WarningCommand)
      .thenRefuses('WARNING_INVALID');
  });
  it('reminds and escalates each check on its own clock', () => {
    warning.given(awaitingCallback).when(remind('phone', '2026-03-09T00:00:00')).then([
      { type: 'CallbackReminderSent', data: { round: 0, check: 'phone', at: iso('2026-03-09T00:00:00') } },
    ]);
    warning.given(awaitingCallback).when(escalate('on_site', '2026-03-13T00:00:00')).then([
      {
        type: 'CallbackEscalated',
        data: { round: 0, check: 'on_site', level: 1, audiences: ['working_group'], at: iso('2026-03-13T00:00:00') },
      },
    ]);
  });
  it('a reminder that comes only at or after its check’s deadline decides nothing: the escalation speaks', () => {
    warning.given(awaitingCallback).when(remind('phone', '2026-03-10T00:00:00')).then([]);
    warning.given(awaitingCallback).when(remind('on_site', '2026-03-14T09:00:00')).then([]);
  });
  it('timers for a check already recorded decide nothing', () => {
    warning.given([...awaitingCallback, phoneRecorded(true)]).when(remind('phone', '2026-03-09T00:00:00')).then([]);
    warning.given([...awaitingCallback, phoneRecorded(true)]).when(escalate('phone', '2026-03-10T00:00:00')).then([]);
  });
  it('refuses timers before their time', () => {
    warning.given(awaitingCallback).when(remind('on_site', '2026-03-11T23:00:00')).thenRefuses('WARNING_DEADLINE_NOT_REACHED');
    warning.given(awaitingCallback).when(escalate('phone', '2026-03-09T23:00:00')).thenRefuses('WARNING_DEADLINE_NOT_REACHED');
  });
});

describe('RecordPhoneCallback and RecordOnSiteCheck (双回访)', () => {
  it('records a satisfied phone call-back; the warning stays open until the on-site check', () => {
    warning.given(awaitingCallback).when(phone(true)).then([phoneRecorded(true)]);
  });
  it('closes in the same decision when the second check is satisfied too', () => {
    warning.given([...awaitingCallback, phoneRecorded(true)]).when(onSite(true)).then([
      onSiteRecorded(true),
      closedRectified(iso('2026-03-06T14:30:00')),
    ]);
    warning.given([...awaitingCallback, onSiteRecorded(true)]).when(phone(true)).then([
      phoneRecorded(true),
      closedRectified(iso('2026-03-06T09:10:00')),
    ]);
  });
  it('reopens as soon as one check is unsatisfied', () => {
    warning.given([...awaitingCallback, phoneRecorded(true)]).when(onSite(false)).then([
      onSiteRecorded(false),
      reopened(1, 'on_site', iso('2026-03-06T14:30:00')),
    ]);
    warning.given(awaitingCallback).when(phone(false)).then([phoneRecorded(false), reopened(1, 'phone', iso('2026-03-06T09:10:00'))]);
  });
  it('after a reopening the count is kept and the round needs a new reply deadline', () => {
    const history = [...awaitingCallback, phoneRecorded(true), onSiteRecorded(false), reopened(1, 'on_site', iso('2026-03-06T14:30:00'))];
    const state = fold(warningDecider, history) as OpenWarning;
    expect(state.phase).toBe('awaiting_reply');
    expect(state.round).toBe(1);
    expect(state.reply).toEqual({ countedFrom: iso('2026-03-06T14:30:00'), deadline: null, reminded: false, escalationLevel: 0, repliedAt: null });
    expect(state.callbacks.phone.satisfied).toBeNull();
    const secondRound = [...history, replyDeadlineSet(1, iso('2026-03-06T14:30:00')), replied(1), callbackDeadlinesSet(1), phoneRecorded(true, 1)];
    warning.given(secondRound).when(onSite(false)).then([
      { ...onSiteRecorded(false, 1) },
      reopened(2, 'on_site', iso('2026-03-06T14:30:00')),
    ]);
  });
  it('refuses a check recorded twice in a round', () => {
    warning.given([...awaitingCallback, phoneRecorded(true)]).when(phone(true)).thenRefuses('WARNING_CALLBACK_ALREADY_RECORDED');
  });
  it('refuses a call-back before the reply, on a closed warning, or by someone else', () => {
    warning.given([raised(), dispatched]).when(phone(true)).thenRefuses('WARNING_NOT_REPLIED');
    warning
      .given([...awaitingCallback, phoneRecorded(true), onSiteRecorded(true), closedRectified(iso('2026-03-06T14:30:00'))])
      .when(phone(true))
      .thenRefuses('WARNING_CLOSED');
    warning.given(awaitingCallback).when(phone(true, actors.lead)).thenRefuses('WARNING_FORBIDDEN_ROLE');
  });
  it('refuses a call-back time in the future and an on-site check without a valid photo', () => {
    warning.given(awaitingCallback).when(phone(true, actors.officer, '2026-03-06T10:00:00')).thenRefuses('WARNING_INVALID');
    warning.given(awaitingCallback).when(onSite(true, { ...evidence(2), blobKey: '' })).thenRefuses('WARNING_INVALID');
  });
});

describe('FileAppeal and ReviewAppeal (申诉复核)', () => {
  const open = [raised(), dispatched];
  const appeal = (actor = actors.ratedStaff, evidenceList = [evidence(4)]): WarningCommand => ({
    type: 'FileAppeal',
    reason: '评价人误评：该业务由其他窗口办理',
    evidence: evidenceList,
    at: cst('2026-03-03T15:00:00'),
    actor,
  });
  const filed: WarningEvent = {
    type: 'AppealFiled',
    data: {
      by: actors.ratedStaff.id,
      department: 'dept-scjg',
      reason: '评价人误评：该业务由其他窗口办理',
      evidence: [evidence(4)],
      at: iso('2026-03-03T15:00:00'),
    },
  };
  const review = (decision: 'upheld' | 'rejected', actor = actors.reviewer): WarningCommand => ({
    type: 'ReviewAppeal',
    decision,
    reason: '核实属实',
    at: cst('2026-03-04T10:00:00'),
    actor,
  });
  const reviewed = (decision: 'upheld' | 'rejected'): WarningEvent => ({
    type: 'AppealReviewed',
    data: {
      by: actors.reviewer.id,
      decision,
      reason: '核实属实',
      ratingEventId: 'evt-rating-1',
      ratingExcludedFromAppraisal: decision === 'upheld',
      at: iso('2026-03-04T10:00:00'),
    },
  });

  it('the rated staff member appeals with evidence', () => {
    warning.given(open).when(appeal()).then([filed]);
  });
  it('the rated department may appeal as well', () => {
    warning.given(open).when(appeal(actors.lead)).then([
      { type: 'AppealFiled', data: { ...(filed.data as object), by: actors.lead.id } } as WarningEvent,
    ]);
  });
  it('refuses an appeal from someone not rated, a second appeal, or one without evidence', () => {
    warning.given(open).when(appeal(actors.outsider)).thenRefuses('WARNING_APPEAL_NOT_ALLOWED');
    warning.given([...open, filed]).when(appeal()).thenRefuses('WARNING_APPEAL_ALREADY_FILED');
    warning.given(open).when(appeal(actors.ratedStaff, [])).thenRefuses('WARNING_INVALID');
  });
  it('refuses an appeal against a warning that no rating raised', () => {
    const overdue = raised('w-overdue-1', { kind: 'overdue_case', source: { sourceEventId: 'evt-case-9', caseId: 'case-9' } });
    warning.given([overdue]).when(appeal()).thenRefuses('WARNING_NOT_APPEALABLE');
  });
  it('refuses an appeal on a closed warning', () => {
    warning
      .given([...awaitingCallback, phoneRecorded(true), onSiteRecorded(true), closedRectified(iso('2026-03-06T14:30:00'))])
      .when(appeal())
      .thenRefuses('WARNING_CLOSED');
  });
  it('upheld: closes as appeal_upheld and excludes the rating from appraisal; the rating event stays', () => {
    warning.given([...open, filed]).when(review('upheld')).then([
      reviewed('upheld'),
      { type: 'WarningClosed', data: { outcome: 'appeal_upheld', ratingExcludedFromAppraisal: true, at: iso('2026-03-04T10:00:00') } },
    ]);
  });
  it('rejected: the lifecycle goes on', () => {
    warning.given([...open, filed]).when(review('rejected')).then([reviewed('rejected')]);
  });
  it('refuses a review without a pending appeal, by a non-reviewer, or by the appellant', () => {
    warning.given(open).when(review('upheld')).thenRefuses('WARNING_NO_PENDING_APPEAL');
    warning.given([...open, filed, reviewed('rejected')]).when(review('upheld')).thenRefuses('WARNING_NO_PENDING_APPEAL');
    warning.given([...open, filed]).when(review('upheld', actors.dispatcher)).thenRefuses('WARNING_FORBIDDEN_ROLE');
    const selfAppeal: WarningEvent = { type: 'AppealFiled', data: { ...(filed.data as object), by: actors.reviewer.id } } as WarningEvent;
    warning.given([...open, selfAppeal]).when(review('upheld')).thenRefuses('WARNING_REVIEWER_CONFLICT');
  });
});

describe('NotifyCitizen (回告群众)', () => {
  const notify = (step: 'dispatched' | 'replied' | 'closed', round = 0): WarningCommand => ({
    type: 'NotifyCitizen',
    step,
    round,
    at: cst('2026-03-03T10:30:01'),
    actor: actors.system,
  });
  const notified = (step: 'dispatched' | 'replied' | 'closed', round = 0): WarningEvent => ({
    type: 'CitizenNotified',
    data: { step, round, at: iso('2026-03-03T10:30:01') },
  });

  it('tells the citizen of the dispatch, the reply and the closing, once each', () => {
    warning.given([raised(), dispatched]).when(notify('dispatched')).then([notified('dispatched')]);
    warning.given(awaitingCallback).when(notify('replied')).then([notified('replied')]);
    const closed = [...awaitingCallback, phoneRecorded(true), onSiteRecorded(true), closedRectified(iso('2026-03-06T14:30:00'))];
    warning.given(closed).when(notify('closed')).then([notified('closed')]);
    warning.given([raised(), dispatched, notified('dispatched')]).when(notify('dispatched')).then([]);
  });
  it('an anonymous rater without a phone is not told', () => {
    warning.given([raised('w-anon', { citizenContactRef: null }), dispatched]).when(notify('dispatched')).then([]);
  });
  it('refuses a step that has not happened', () => {
    warning.given([raised()]).when(notify('dispatched')).thenRefuses('WARNING_STEP_NOT_REACHED');
    warning.given([raised(), dispatched]).when(notify('replied')).thenRefuses('WARNING_STEP_NOT_REACHED');
    warning.given(awaitingCallback).when(notify('closed')).thenRefuses('WARNING_STEP_NOT_REACHED');
  });
});

describe('a closed warning', () => {
  const closed = [...awaitingCallback, phoneRecorded(true), onSiteRecorded(true), closedRectified(iso('2026-03-06T14:30:00'))];
  it('every timer decides nothing', () => {
    const at = cst('2026-04-01T00:00:00');
    const timers: WarningCommand[] = [
      { type: 'AlertDispatchers', at, actor: actors.system },
      { type: 'RemindDispatch', at, actor: actors.system },
      { type: 'EscalateDispatch', level: 1, audiences: [], at, actor: actors.system },
      { type: 'RemindReply', round: 0, at, actor: actors.system },
      { type: 'EscalateReply', round: 0, level: 1, audiences: [], at, actor: actors.system },
      { type: 'RemindCallback', round: 0, check: 'phone', at, actor: actors.system },
      { type: 'EscalateCallback', round: 0, check: 'on_site', level: 1, audiences: [], at, actor: actors.system },
    ];
    for (const timer of timers) warning.given(closed).when(timer).then([]);
  });
  it('status updates are refused', () => {
    warning
      .given(closed)
      .when({ type: 'UpdateWarningStatus', note: 'x', at: cst('2026-04-01T00:00:00'), actor: actors.lead })
      .thenRefuses('WARNING_CLOSED');
  });
});
