import { describe, expect, it } from 'vitest';
import { spec } from '../decider/testing.ts';
import type { InvitationCommand } from './decider.ts';
import { invitationDecider, reminderDue } from './decider.ts';
import { fold } from '../decider/decider.ts';
import type { EvaluationSubmitted, InvitationEvent, InvitationIssued } from './events.ts';
import type { RatingSubject } from './types.ts';

const subject: RatingSubject = {
  caseId: 'zwfw:BJ-1',
  caseNumber: 'BJ-1',
  matter: { code: 'M001', name: '食品经营许可', type: 'administrative_licence' },
  department: { code: 'SCJGJ', name: '区市场监督管理局' },
  hall: { code: 'SMZJ', name: '市民之家' },
  window: { code: 'W07', name: '7号窗口' },
  staff: { id: 'S-0107', displayName: '李明' },
  applicantType: 'enterprise',
  enterpriseType: 'private',
  regionCode: '421202',
  stage: 'concluded',
  progress: 'on_time',
};
const phone = { sealed: { v: 1 as const, kid: 'k1', iv: 'AAAAAAAAAAAAAAAA', ct: 'AAAAAAAAAAAAAAAAAAAAAAAA' }, masked: '138****1234', blindIndex: 'bi' };
const issuedData: InvitationIssued['data'] = {
  invitationId: 'AbCdEfGh12',
  channel: 'sms',
  trigger: 'case_completed',
  subject,
  recipient: phone,
  tokenHash: 'f'.repeat(64),
  issuedAt: '2025-10-01T09:00:00.000Z',
  expiresAt: '2025-10-08T09:00:00.000Z',
  remindAt: '2025-10-02T09:00:00.000Z',
  questionnaireVersion: 1,
  variantId: 'enterprise_licence',
};
const issued: InvitationEvent = { type: 'InvitationIssued', data: issuedData };
const allowed = { indicators: ['SM02', 'PC03', 'PC04', 'RS01'], reasons: ['R01', 'R04', 'R99'] };
const submit = (extra: Partial<Extract<InvitationCommand, { type: 'SubmitEvaluation' }>> = {}): InvitationCommand => ({
  type: 'SubmitEvaluation',
  now: '2025-10-01T10:00:00.000Z',
  via: 'sms',
  overall: 2,
  answers: [{ code: 'PC04', level: 2 }],
  reasons: ['R04'],
  comment: '等了一个小时',
  attachments: [{ sha256: 'a'.repeat(64), mediaType: 'image/png', bytes: 120 }],
  anonymous: false,
  allowed,
  negative: true,
  ...extra,
});
const submitted: EvaluationSubmitted = {
  type: 'EvaluationSubmitted',
  data: {
    invitationId: 'AbCdEfGh12',
    submittedAt: '2025-10-01T10:00:00.000Z',
    channel: 'sms',
    overall: 2,
    subject,
    answers: [{ code: 'PC04', level: 2 }],
    reasons: ['R04'],
    comment: '等了一个小时',
    attachments: [{ sha256: 'a'.repeat(64), mediaType: 'image/png', bytes: 120 }],
    evaluator: { identity: 'real_name', phone },
    questionnaireVersion: 1,
    variantId: 'enterprise_licence',
    negative: true,
  },
};

describe('invitation (评价邀请) decider', () => {
  it('issues once: a second issue of the same invitation changes nothing', () => {
    spec(invitationDecider).given([]).when({ type: 'IssueInvitation', ...issuedData }).then([issued]);
    spec(invitationDecider).given([issued]).when({ type: 'IssueInvitation', ...issuedData }).then([]);
  });

  it('records the first open only (response rate = submissions ÷ opens)', () => {
    const opened: InvitationEvent = { type: 'InvitationOpened', data: { invitationId: 'AbCdEfGh12', openedAt: '2025-10-01T09:30:00.000Z', via: 'sms' } };
    spec(invitationDecider).given([issued]).when({ type: 'RecordInvitationOpened', now: '2025-10-01T09:30:00.000Z', via: 'sms' }).then([opened]);
    spec(invitationDecider).given([issued, opened]).when({ type: 'RecordInvitationOpened', now: '2025-10-01T09:31:00.000Z', via: 'sms' }).then([]);
  });

  it('records an immutable evaluation with the national fields and the questionnaire version', () => {
    spec(invitationDecider).given([issued]).when(submit()).then([submitted]);
  });

  it('一次一评: a second submission is refused', () => {
    spec(invitationDecider).given([issued, submitted]).when(submit({ overall: 5 })).thenRefuses('INVITATION_ALREADY_RATED');
  });

  it('refuses after expiry, whether or not the expiry was recorded yet', () => {
    spec(invitationDecider).given([issued]).when(submit({ now: '2025-10-08T09:00:00.000Z' })).thenRefuses('INVITATION_EXPIRED');
    const expired: InvitationEvent = { type: 'InvitationExpired', data: { invitationId: 'AbCdEfGh12', expiredAt: '2025-10-08T09:00:00.000Z' } };
    spec(invitationDecider).given([issued, expired]).when(submit()).thenRefuses('INVITATION_EXPIRED');
  });

  it('refuses indicator codes outside the variant and unknown reasons, naming the field', () => {
    spec(invitationDecider).given([issued]).when(submit({ answers: [{ code: 'SM01', level: 5 }] })).thenRefuses('EVALUATION_UNKNOWN_INDICATOR');
    spec(invitationDecider).given([issued]).when(submit({ reasons: ['R42'] })).thenRefuses('EVALUATION_UNKNOWN_REASON');
    spec(invitationDecider).given([]).when(submit()).thenRefuses('INVITATION_NOT_FOUND');
  });

  it('an anonymous rating drops the link to the applicant', () => {
    const [event] = invitationDecider.decide(submit({ anonymous: true }), fold(invitationDecider, [issued]));
    expect((event as EvaluationSubmitted).data.evaluator).toEqual({ identity: 'anonymous' });
  });

  it('expires an unrated invitation when its time is up, never giving it a score', () => {
    spec(invitationDecider).given([issued]).when({ type: 'ExpireInvitation', now: '2025-10-07T09:00:00.000Z' }).then([]);
    spec(invitationDecider)
      .given([issued])
      .when({ type: 'ExpireInvitation', now: '2025-10-08T09:00:01.000Z' })
      .then([{ type: 'InvitationExpired', data: { invitationId: 'AbCdEfGh12', expiredAt: '2025-10-08T09:00:01.000Z' } }]);
    spec(invitationDecider).given([issued, submitted]).when({ type: 'ExpireInvitation', now: '2025-10-09T00:00:00.000Z' }).then([]);
  });

  it('reminds once, after the delay, only while unrated', () => {
    const reminded: InvitationEvent = { type: 'InvitationReminded', data: { invitationId: 'AbCdEfGh12', remindedAt: '2025-10-02T09:00:00.000Z', messageRef: 'm2' } };
    expect(reminderDue(fold(invitationDecider, [issued]), '2025-10-01T20:00:00.000Z')).toBe(false);
    spec(invitationDecider).given([issued]).when({ type: 'RecordReminderSent', now: '2025-10-02T09:00:00.000Z', messageRef: 'm2' }).then([reminded]);
    spec(invitationDecider).given([issued, reminded]).when({ type: 'RecordReminderSent', now: '2025-10-03T09:00:00.000Z', messageRef: 'm3' }).then([]);
    spec(invitationDecider).given([issued, submitted]).when({ type: 'RecordReminderSent', now: '2025-10-03T09:00:00.000Z', messageRef: 'm3' }).then([]);
  });
});
