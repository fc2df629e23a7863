import { describe, it } from 'vitest';
import { spec } from '../decider/testing.ts';
import type { WarningCommand } from './commands.ts';
import { warningDecider } from './decider.ts';
import type { WarningEvent } from './events.ts';
import { actors, cst, dispatched, evidence, iso, raised, replied, replyDeadlineSet } from './testing.ts';

const warning = spec(warningDecider);
const open = [raised(), dispatched];
const withDeadline = [...open, replyDeadlineSet()];
const closed: WarningEvent = {
  type: 'WarningClosed',
  data: { outcome: 'appeal_upheld', ratingExcludedFromAppraisal: true, at: iso('2026-03-04T10:00:00') },
};

const setDeadline = (overrides: Partial<Extract<WarningCommand, { type: 'SetReplyDeadline' }>> = {}): WarningCommand => {
  const { data } = replyDeadlineSet() as Extract<WarningEvent, { type: 'ReplyDeadlineSet' }>;
  return {
    type: 'SetReplyDeadline',
    at: new Date(data.at),
    actor: actors.system,
    round: 0,
    deadline: data.deadline,
    workingDays: 3,
    countedFrom: data.countedFrom,
    calendarCoverage: data.calendarCoverage,
    calendarFallbackYears: [],
    ...overrides,
  };
};
const remind = (at: string, round = 0): WarningCommand => ({ type: 'RemindReply', round, at: cst(at), actor: actors.system });
const escalate = (at: string, level = 1, round = 0): WarningCommand => ({
  type: 'EscalateReply',
  round,
  level,
  audiences: ['department_head', 'working_group'],
  at: cst(at),
  actor: actors.system,
});
const reply = (at = '2026-03-05T16:00:00', actor = actors.lead, text = '已约谈窗口人员并优化叫号流程'): WarningCommand => ({
  type: 'ReplyToWarning',
  text,
  evidence: [evidence(1)],
  at: cst(at),
  actor,
});
const escalated: WarningEvent = {
  type: 'ReplyEscalated',
  data: { round: 0, level: 1, audiences: ['department_head', 'working_group'], at: iso('2026-03-07T00:00:00') },
};

describe('SetReplyDeadline (处置答复时限)', () => {
  it('sets the deadline of the round, with the calendar coverage it was computed from', () => {
    warning.given(open).when(setDeadline()).then([replyDeadlineSet()]);
  });
  it('records a weekdays-only fallback so it can be seen and alerted on', () => {
    warning
      .given(open)
      .when(setDeadline({ calendarCoverage: { 2027: 'fallback' }, calendarFallbackYears: [2027] }))
      .then([
        {
          type: 'ReplyDeadlineSet',
          data: {
            ...(replyDeadlineSet() as Extract<WarningEvent, { type: 'ReplyDeadlineSet' }>).data,
            calendarCoverage: { 2027: 'fallback' },
            calendarFallbackYears: [2027],
          },
        },
      ]);
  });
  it('a second deadline, one for another round, or one before dispatch decides nothing', () => {
    warning.given(withDeadline).when(setDeadline()).then([]);
    warning.given(open).when(setDeadline({ round: 1 })).then([]);
    warning.given([raised()]).when(setDeadline()).then([]);
  });
  it('refuses a deadline counted from another instant than the round start', () => {
    warning.given(open).when(setDeadline({ countedFrom: iso('2026-03-03T09:00:00') })).thenRefuses('WARNING_STALE_DEADLINE');
  });
  it('refuses a reminder after the due time', () => {
    warning
      .given(open)
      .when(setDeadline({ deadline: { reminderAt: iso('2026-03-08T00:00:00'), dueAt: iso('2026-03-07T00:00:00') } }))
      .thenRefuses('WARNING_INVALID');
  });
  it('refuses a person', () => {
    warning.given(open).when(setDeadline({ actor: actors.lead })).thenRefuses('WARNING_SYSTEM_ONLY');
  });
});

describe('RemindReply and EscalateReply (答复提醒、超时升级)', () => {
  it('reminds one working day before', () => {
    warning.given(withDeadline).when(remind('2026-03-06T00:00:00')).then([
      { type: 'ReplyReminderSent', data: { round: 0, at: iso('2026-03-06T00:00:00') } },
    ]);
  });
  it('refuses a reminder or an escalation before its time', () => {
    warning.given(withDeadline).when(remind('2026-03-05T23:59:59')).thenRefuses('WARNING_DEADLINE_NOT_REACHED');
    warning.given(withDeadline).when(escalate('2026-03-06T23:59:59')).thenRefuses('WARNING_DEADLINE_NOT_REACHED');
  });
  it('a reminder that comes only at or after the deadline (a worker outage) decides nothing: the escalation speaks', () => {
    warning.given(withDeadline).when(remind('2026-03-07T00:00:00')).then([]);
    warning.given(withDeadline).when(remind('2026-03-09T09:00:00')).then([]);
  });
  it('escalates to the department head and the working group when the deadline is missed', () => {
    warning.given(withDeadline).when(escalate('2026-03-07T00:00:00')).then([escalated]);
  });
  it('timers after the reply, of an old round, without a deadline, or repeated decide nothing', () => {
    warning.given([...withDeadline, replied()]).when(remind('2026-03-06T00:00:00')).then([]);
    warning.given([...withDeadline, replied()]).when(escalate('2026-03-07T00:00:00')).then([]);
    warning.given(withDeadline).when(escalate('2026-03-07T00:00:00', 1, 1)).then([]);
    warning.given(open).when(remind('2026-03-06T00:00:00')).then([]);
    warning.given([...withDeadline, escalated]).when(escalate('2026-03-07T00:00:01')).then([]);
  });
});

describe('ReplyToWarning (处置答复)', () => {
  it('the lead department replies on time with evidence', () => {
    warning.given(withDeadline).when(reply()).then([replied()]);
  });
  it('a reply at the very instant of the deadline is on time while no escalation was decided', () => {
    warning.given(withDeadline).when(reply('2026-03-07T00:00:00')).then([replied(0, iso('2026-03-07T00:00:00'), true)]);
  });
  it('once the escalation was decided, a reply in the same instant is late: one outcome only', () => {
    warning.given([...withDeadline, escalated]).when(reply('2026-03-07T00:00:00')).then([replied(0, iso('2026-03-07T00:00:00'), false)]);
  });
  it('a reply after the deadline is late', () => {
    warning.given(withDeadline).when(reply('2026-03-09T09:00:00')).then([replied(0, iso('2026-03-09T09:00:00'), false)]);
  });
  it('refuses another department, also a cooperating one', () => {
    warning.given(withDeadline).when(reply(undefined, actors.cooperating)).thenRefuses('WARNING_NOT_LEAD_DEPARTMENT');
  });
  it('refuses before dispatch, a second reply, a closed or unknown warning', () => {
    warning.given([raised()]).when(reply()).thenRefuses('WARNING_NOT_DISPATCHED');
    warning.given([...withDeadline, replied()]).when(reply()).thenRefuses('WARNING_ALREADY_REPLIED');
    warning.given([...withDeadline, closed]).when(reply()).thenRefuses('WARNING_CLOSED');
    warning.given([]).when(reply()).thenRefuses('WARNING_NOT_FOUND');
  });
  it('refuses an empty text or evidence without a valid hash', () => {
    warning.given(withDeadline).when(reply(undefined, undefined, '  ')).thenRefuses('WARNING_INVALID');
    warning
      .given(withDeadline)
      .when({ ...(reply() as Extract<WarningCommand, { type: 'ReplyToWarning' }>), evidence: [{ ...evidence(1), sha256: 'abc' }] })
      .thenRefuses('WARNING_INVALID');
  });
});

describe('RequestCollaboration, AddEvidence, UpdateWarningStatus (协同、凭证、状态更新)', () => {
  const collaborate = (actor = actors.lead, departments = ['dept-zjj']): WarningCommand => ({
    type: 'RequestCollaboration',
    departments,
    note: '请住建局提供现场整改照片',
    at: cst('2026-03-04T09:00:00'),
    actor,
  });
  const addEvidence = (actor = actors.cooperating, sha256 = evidence(3).sha256): WarningCommand => ({
    type: 'AddEvidence',
    evidence: { ...evidence(3), sha256 },
    description: '整改后照片',
    at: cst('2026-03-04T15:00:00'),
    actor,
  });
  const update = (note = '已完成窗口人员培训', actor = actors.lead): WarningCommand => ({
    type: 'UpdateWarningStatus',
    note,
    at: cst('2026-03-04T16:00:00'),
    actor,
  });

  it('the lead department asks other departments to cooperate', () => {
    warning.given(open).when(collaborate()).then([
      {
        type: 'CollaborationRequested',
        data: { by: actors.lead.id, departments: ['dept-zjj'], note: '请住建局提供现场整改照片', at: iso('2026-03-04T09:00:00') },
      },
    ]);
  });
  it('refuses collaboration from a non-lead, before dispatch, without departments, or naming the lead', () => {
    warning.given(open).when(collaborate(actors.cooperating)).thenRefuses('WARNING_NOT_LEAD_DEPARTMENT');
    warning.given([raised()]).when(collaborate()).thenRefuses('WARNING_NOT_DISPATCHED');
    warning.given(open).when(collaborate(actors.lead, [])).thenRefuses('WARNING_INVALID');
    warning.given(open).when(collaborate(actors.lead, ['dept-scjg'])).thenRefuses('WARNING_INVALID');
  });
  it('a cooperating department adds evidence with its content hash', () => {
    warning.given(open).when(addEvidence()).then([
      {
        type: 'EvidenceAdded',
        data: { by: actors.cooperating.id, department: 'dept-zwfw', evidence: evidence(3), description: '整改后照片', at: iso('2026-03-04T15:00:00') },
      },
    ]);
  });
  it('a department asked to cooperate later may add evidence too', () => {
    const asked: WarningEvent = {
      type: 'CollaborationRequested',
      data: { by: actors.lead.id, departments: ['dept-other'], note: '请配合', at: iso('2026-03-04T09:00:00') },
    };
    warning.given([...open, asked]).when(addEvidence(actors.outsider)).then([
      {
        type: 'EvidenceAdded',
        data: { by: actors.outsider.id, department: 'dept-other', evidence: evidence(3), description: '整改后照片', at: iso('2026-03-04T15:00:00') },
      },
    ]);
  });
  it('refuses evidence from an outsider, with a bad hash, or on a closed warning', () => {
    warning.given(open).when(addEvidence(actors.outsider)).thenRefuses('WARNING_NOT_PARTICIPANT');
    warning.given(open).when(addEvidence(actors.cooperating, 'not-a-hash')).thenRefuses('WARNING_INVALID');
    warning.given([...open, closed]).when(addEvidence()).thenRefuses('WARNING_CLOSED');
  });
  it('records a status update (预警状态更新)', () => {
    warning.given(open).when(update()).then([
      { type: 'WarningStatusUpdated', data: { by: actors.lead.id, department: 'dept-scjg', note: '已完成窗口人员培训', at: iso('2026-03-04T16:00:00') } },
    ]);
  });
  it('refuses an empty status update, or one from an outsider', () => {
    warning.given(open).when(update(' ')).thenRefuses('WARNING_INVALID');
    warning.given(open).when(update('x', actors.outsider)).thenRefuses('WARNING_NOT_PARTICIPANT');
  });
});
