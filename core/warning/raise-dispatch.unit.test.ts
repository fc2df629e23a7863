import { describe, it } from 'vitest';
import { spec } from '../decider/testing.ts';
import type { WarningCommand } from './commands.ts';
import { warningDecider } from './decider.ts';
import { actors, cst, dispatched, iso, raiseCommand, raised } from './testing.ts';

const warning = spec(warningDecider);
const sys = (type: 'AlertDispatchers' | 'RemindDispatch', at: string): WarningCommand => ({ type, at: cst(at), actor: actors.system });
const escalate = (level: number, at: string): WarningCommand => ({
  type: 'EscalateDispatch',
  level,
  audiences: ['supervisor'],
  at: cst(at),
  actor: actors.system,
});
const dispatch = (overrides: Partial<Extract<WarningCommand, { type: 'DispatchWarning' }>> = {}): WarningCommand => ({
  type: 'DispatchWarning',
  at: cst('2026-03-03T10:30:00'),
  actor: actors.dispatcher,
  ...overrides,
});

describe('RaiseWarning (生成预警)', () => {
  it('raises a warning with its source, routing and dispatch deadline', () => {
    warning.given([]).when(raiseCommand()).then([raised()]);
  });
  it('raising the same warning again changes nothing (derived id: replays never raise twice)', () => {
    warning.given([raised()]).when(raiseCommand()).then([]);
  });
  it('drops the lead department from the cooperating ones', () => {
    warning
      .given([])
      .when(raiseCommand('w-rating-1', { cooperatingDepartments: ['dept-scjg', 'dept-zwfw'] }))
      .then([raised()]);
  });
  it('refuses anyone but the system', () => {
    warning.given([]).when(raiseCommand('w-1', { actor: actors.dispatcher })).thenRefuses('WARNING_SYSTEM_ONLY');
  });
  it('refuses an empty id or lead department', () => {
    warning.given([]).when(raiseCommand(' ')).thenRefuses('WARNING_INVALID');
    warning.given([]).when(raiseCommand('w-1', { leadDepartment: '' })).thenRefuses('WARNING_INVALID');
  });
  it('refuses a reminder after the dispatch deadline', () => {
    warning
      .given([])
      .when(raiseCommand('w-1', { dispatch: { reminderAt: iso('2026-03-03T11:30:00'), dueAt: iso('2026-03-03T11:00:00') } }))
      .thenRefuses('WARNING_INVALID');
  });
});

describe('AlertDispatchers (预警提示)', () => {
  it('alerts the dispatchers once', () => {
    warning.given([raised()]).when(sys('AlertDispatchers', '2026-03-03T10:00:01')).then([
      { type: 'DispatchersAlerted', data: { at: iso('2026-03-03T10:00:01') } },
    ]);
  });
  it('alerting again, or after dispatch, decides nothing', () => {
    const alerted = { type: 'DispatchersAlerted', data: { at: iso('2026-03-03T10:00:01') } } as const;
    warning.given([raised(), alerted]).when(sys('AlertDispatchers', '2026-03-03T10:01:00')).then([]);
    warning.given([raised(), dispatched]).when(sys('AlertDispatchers', '2026-03-03T10:31:00')).then([]);
  });
  it('refuses an unknown warning and a person', () => {
    warning.given([]).when(sys('AlertDispatchers', '2026-03-03T10:00:01')).thenRefuses('WARNING_NOT_FOUND');
    warning
      .given([raised()])
      .when({ type: 'AlertDispatchers', at: cst('2026-03-03T10:00:01'), actor: actors.dispatcher })
      .thenRefuses('WARNING_SYSTEM_ONLY');
  });
});

describe('DispatchWarning (派单)', () => {
  it('dispatches to the routed lead department', () => {
    warning.given([raised()]).when(dispatch()).then([dispatched]);
  });
  it('the dispatcher may route it elsewhere, with a note', () => {
    warning
      .given([raised()])
      .when(dispatch({ leadDepartment: 'dept-zwfw', cooperatingDepartments: ['dept-scjg', 'dept-zwfw'], note: '现场管理问题' }))
      .then([
        {
          type: 'WarningDispatched',
          data: {
            by: actors.dispatcher.id,
            leadDepartment: 'dept-zwfw',
            cooperatingDepartments: ['dept-scjg'],
            note: '现场管理问题',
            at: iso('2026-03-03T10:30:00'),
          },
        },
      ]);
  });
  it('refuses a second dispatch', () => {
    warning.given([raised(), dispatched]).when(dispatch()).thenRefuses('WARNING_ALREADY_DISPATCHED');
  });
  it('refuses someone who is not a dispatcher', () => {
    warning.given([raised()]).when(dispatch({ actor: actors.lead })).thenRefuses('WARNING_FORBIDDEN_ROLE');
  });
  it('refuses an empty lead department', () => {
    warning.given([raised()]).when(dispatch({ leadDepartment: ' ' })).thenRefuses('WARNING_INVALID');
  });
  it('refuses an unknown or closed warning', () => {
    warning.given([]).when(dispatch()).thenRefuses('WARNING_NOT_FOUND');
    warning
      .given([raised(), { type: 'WarningClosed', data: { outcome: 'appeal_upheld', ratingExcludedFromAppraisal: true, at: iso('2026-03-03T10:20:00') } }])
      .when(dispatch())
      .thenRefuses('WARNING_CLOSED');
  });
});

describe('RemindDispatch and EscalateDispatch (派单提醒、超时升级)', () => {
  it('reminds once the reminder time is reached', () => {
    warning.given([raised()]).when(sys('RemindDispatch', '2026-03-03T10:45:00')).then([
      { type: 'DispatchReminderSent', data: { at: iso('2026-03-03T10:45:00') } },
    ]);
  });
  it('a reminder timer after the dispatch, or a second one, decides nothing', () => {
    warning.given([raised(), dispatched]).when(sys('RemindDispatch', '2026-03-03T10:45:00')).then([]);
    warning
      .given([raised(), { type: 'DispatchReminderSent', data: { at: iso('2026-03-03T10:45:00') } }])
      .when(sys('RemindDispatch', '2026-03-03T10:46:00'))
      .then([]);
  });
  it('refuses a reminder before its time', () => {
    warning.given([raised()]).when(sys('RemindDispatch', '2026-03-03T10:44:59')).thenRefuses('WARNING_DEADLINE_NOT_REACHED');
  });
  it('a reminder that comes only at or after the deadline (a worker outage) decides nothing: the escalation speaks', () => {
    warning.given([raised()]).when(sys('RemindDispatch', '2026-03-03T11:00:00')).then([]);
    warning.given([raised()]).when(sys('RemindDispatch', '2026-03-03T14:30:00')).then([]);
  });
  it('a policy without lead time reminds at the deadline itself', () => {
    const atDeadline = raised('w-rating-1', { dispatch: { reminderAt: iso('2026-03-03T11:00:00'), dueAt: iso('2026-03-03T11:00:00') } });
    warning.given([atDeadline]).when(sys('RemindDispatch', '2026-03-03T11:00:00')).then([
      { type: 'DispatchReminderSent', data: { at: iso('2026-03-03T11:00:00') } },
    ]);
  });
  it('escalates level by level once the deadline is missed; the warning keeps waiting', () => {
    warning.given([raised()]).when(escalate(1, '2026-03-03T11:00:00')).then([
      { type: 'DispatchEscalated', data: { level: 1, audiences: ['supervisor'], at: iso('2026-03-03T11:00:00') } },
    ]);
    const level1 = { type: 'DispatchEscalated', data: { level: 1, audiences: ['supervisor'], at: iso('2026-03-03T11:00:00') } } as const;
    warning.given([raised(), level1]).when(escalate(2, '2026-03-03T12:00:00')).then([
      { type: 'DispatchEscalated', data: { level: 2, audiences: ['supervisor'], at: iso('2026-03-03T12:00:00') } },
    ]);
    warning.given([raised(), level1]).when(escalate(1, '2026-03-03T11:00:01')).then([]);
  });
  it('an escalation timer after the dispatch decides nothing', () => {
    warning.given([raised(), dispatched]).when(escalate(1, '2026-03-03T11:00:00')).then([]);
  });
  it('refuses an escalation before the deadline and from a person', () => {
    warning.given([raised()]).when(escalate(1, '2026-03-03T10:59:59')).thenRefuses('WARNING_DEADLINE_NOT_REACHED');
    warning
      .given([raised()])
      .when({ type: 'EscalateDispatch', level: 1, audiences: [], at: cst('2026-03-03T11:00:00'), actor: actors.lead })
      .thenRefuses('WARNING_SYSTEM_ONLY');
  });
});
