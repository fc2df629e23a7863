import { describe, expect, it } from 'vitest';
import { fold } from '../decider/decider.ts';
import { spec } from '../decider/testing.ts';
import type { CaseCommand } from './decider.ts';
import { caseDecider, classifyCaseReport } from './decider.ts';
import type { CaseEvent } from './events.ts';
import type { CaseDetails } from './types.ts';

const details: CaseDetails = {
  matter: { code: '11421202MB1234567X4000117001', name: '食品经营许可', type: 'administrative_licence' },
  department: { code: 'SCJGJ', name: '区市场监督管理局' },
  hall: { code: 'SMZJ', name: '市民之家' },
  window: { code: 'W07', name: '7号窗口' },
  staff: { id: 'S-0107', displayName: '李明' },
  applicantType: 'enterprise',
  enterpriseType: 'private',
  regionCode: '421202',
  applicantPhone: { sealed: { v: 1, kid: 'k1', iv: 'AAAAAAAAAAAAAAAA', ct: 'AAAAAAAAAAAAAAAAAAAAAAAA' }, masked: '138****1234', blindIndex: 'bi' },
};
const ref = { system: 'zwfw', externalCaseId: 'BJ2025-0001' };
const base = { caseId: 'zwfw:BJ2025-0001', system: 'zwfw', externalCaseId: 'BJ2025-0001' };
const report = <T extends CaseCommand['type']>(type: T, sequence: number, extra: object): CaseCommand =>
  ({ type, ...ref, sequence, occurredAt: `2025-10-0${sequence}T09:00:00+08:00`, details, ...extra }) as CaseCommand;

const registered: CaseEvent = {
  type: 'CaseRegistered',
  data: { ...base, sequence: 1, occurredAt: '2025-10-01T09:00:00+08:00', stage: 'accepted', details },
};

describe('case (办件) decider', () => {
  it('registers a case at the stage reported', () => {
    spec(caseDecider).given([]).when(report('RecordCaseRegistered', 1, { stage: 'accepted' })).then([registered]);
  });

  it('records a stage change (受理 → 办理中)', () => {
    spec(caseDecider)
      .given([registered])
      .when(report('RecordCaseStageChanged', 2, { stage: 'in_progress' }))
      .then([{ type: 'CaseStageChanged', data: { ...base, sequence: 2, occurredAt: '2025-10-02T09:00:00+08:00', from: 'accepted', to: 'in_progress' } }]);
  });

  it('completion moves the stage to 办结 and records CaseCompleted', () => {
    spec(caseDecider)
      .given([registered])
      .when(report('RecordCaseCompleted', 3, { result: 'approved' }))
      .then([
        { type: 'CaseStageChanged', data: { ...base, sequence: 3, occurredAt: '2025-10-03T09:00:00+08:00', from: 'accepted', to: 'concluded' } },
        { type: 'CaseCompleted', data: { ...base, sequence: 3, occurredAt: '2025-10-03T09:00:00+08:00', result: 'approved' } },
      ]);
  });

  it('a completion that overtakes registration registers the case as concluded', () => {
    spec(caseDecider)
      .given([])
      .when(report('RecordCaseCompleted', 3, { result: 'approved' }))
      .then([
        { type: 'CaseRegistered', data: { ...base, sequence: 3, occurredAt: '2025-10-03T09:00:00+08:00', stage: 'concluded', details } },
        { type: 'CaseCompleted', data: { ...base, sequence: 3, occurredAt: '2025-10-03T09:00:00+08:00', result: 'approved' } },
      ]);
  });

  it('the same sequence never appends twice', () => {
    const command = report('RecordCaseRegistered', 1, { stage: 'accepted' });
    spec(caseDecider).given([registered]).when(command).then([]);
    expect(classifyCaseReport(command, fold(caseDecider, [registered]))).toBe('duplicate');
  });

  it('an older sequence after a newer one is ignored as stale', () => {
    const later: CaseEvent = { type: 'CaseOverdue', data: { ...base, sequence: 5, occurredAt: '2025-10-05T09:00:00+08:00', dueAt: '2025-10-04T17:00:00+08:00' } };
    const command = report('RecordCaseStageChanged', 4, { stage: 'in_progress' });
    spec(caseDecider).given([registered, later]).when(command).then([]);
    expect(classifyCaseReport(command, fold(caseDecider, [registered, later]))).toBe('stale');
  });

  it('a completion or 办件超时 with an older sequence is still recorded: no later report repeats it', () => {
    const later: CaseEvent = { type: 'CaseOverdue', data: { ...base, sequence: 6, occurredAt: '2025-10-05T09:00:00+08:00', dueAt: '2025-10-04T17:00:00+08:00' } };
    const completion = report('RecordCaseCompleted', 5, { result: 'approved' });
    expect(classifyCaseReport(completion, fold(caseDecider, [registered, later]))).toBe('record');
    expect(caseDecider.decide(completion, fold(caseDecider, [registered, later])).map((event) => event.type)).toEqual(['CaseStageChanged', 'CaseCompleted']);
    const completed: CaseEvent = { type: 'CaseCompleted', data: { ...base, sequence: 7, occurredAt: '2025-10-05T09:00:00+08:00', result: 'approved' } };
    const overdue = report('RecordCaseOverdue', 3, { dueAt: '2025-10-01T17:00:00+08:00' });
    expect(caseDecider.decide(overdue, fold(caseDecider, [registered, completed])).map((event) => event.type)).toEqual(['CaseOverdue']);
  });

  it('办件超时 is recorded once', () => {
    const overdue: CaseEvent = { type: 'CaseOverdue', data: { ...base, sequence: 2, occurredAt: '2025-10-02T09:00:00+08:00', dueAt: '2025-10-01T17:00:00+08:00' } };
    spec(caseDecider).given([registered]).when(report('RecordCaseOverdue', 2, { dueAt: '2025-10-01T17:00:00+08:00' })).then([overdue]);
    spec(caseDecider).given([registered, overdue]).when(report('RecordCaseOverdue', 3, { dueAt: '2025-10-01T17:00:00+08:00' })).then([]);
  });

  it('folds into the state the invitation reactor reads', () => {
    spec(caseDecider)
      .given([registered])
      .thenState({ status: 'open', caseId: base.caseId, stage: 'accepted', progress: 'on_time', completed: false, details, sequences: [1], lastSequence: 1 });
  });
});
