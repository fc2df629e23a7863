import type { Decider } from '../decider/decider.ts';
import { assertNever } from '../decider/decider.ts';
import { DomainError } from '../shared/errors.ts';
import type { SatisfactionLevel } from '../questionnaire/types.ts';
import type { EvaluationSubmitted, InvitationEvent, InvitationIssued } from './events.ts';
import { invitationSchemaVersions } from './events.ts';
import type { AttachmentRef, IndicatorAnswer, InvitationChannel } from './types.ts';

/** What the questionnaire version allows, passed in by the caller that loaded the version. */
export interface AllowedAnswers {
  readonly indicators: readonly string[];
  readonly reasons: readonly string[];
}

export type InvitationCommand =
  | ({ readonly type: 'IssueInvitation' } & InvitationIssued['data'])
  | { readonly type: 'RecordInvitationSent'; readonly sentAt: string; readonly messageRef: string }
  | { readonly type: 'RecordInvitationOpened'; readonly now: string; readonly via: InvitationChannel }
  | { readonly type: 'RecordReminderSent'; readonly now: string; readonly messageRef: string }
  | { readonly type: 'ExpireInvitation'; readonly now: string }
  | {
      readonly type: 'SubmitEvaluation';
      readonly now: string;
      readonly via: InvitationChannel;
      readonly overall: SatisfactionLevel;
      readonly answers: readonly IndicatorAnswer[];
      readonly reasons: readonly string[];
      readonly comment: string | null;
      readonly attachments: readonly AttachmentRef[];
      readonly anonymous: boolean;
      readonly allowed: AllowedAnswers;
      readonly negative: boolean;
    };

export interface InvitationState {
  readonly status: 'none' | 'issued' | 'rated' | 'expired';
  readonly issued: InvitationIssued['data'] | null;
  readonly sent: boolean;
  readonly opened: boolean;
  readonly reminded: boolean;
}

export const initialInvitationState: InvitationState = { status: 'none', issued: null, sent: false, opened: false, reminded: false };

const refuse = (code: string, status: number, zh: string, en: string, field?: string): DomainError =>
  new DomainError(code, zh, { status, details: { en, ...(field ? { field } : {}) } });

/** Is the link past its time? Compared on instants, so offsets in the ISO strings don't matter. */
const isPast = (deadline: string, now: string): boolean => Date.parse(now) >= Date.parse(deadline);

const submit = (command: Extract<InvitationCommand, { type: 'SubmitEvaluation' }>, state: InvitationState): EvaluationSubmitted[] => {
  const issued = state.issued;
  if (state.status === 'none' || !issued) throw refuse('INVITATION_NOT_FOUND', 404, '评价链接无效', 'This rating link is not valid.');
  if (state.status === 'rated')
    throw refuse('INVITATION_ALREADY_RATED', 409, '您已评价过本次服务,感谢您的参与。每次办件只能评价一次。', 'You have already rated this service. Each service can be rated once.');
  if (state.status === 'expired' || isPast(issued.expiresAt, command.now))
    throw refuse('INVITATION_EXPIRED', 410, '评价链接已过期', 'This rating link has expired.');
  const seen = new Set<string>();
  command.answers.forEach((answer) => {
    if (!command.allowed.indicators.includes(answer.code))
      throw refuse('EVALUATION_UNKNOWN_INDICATOR', 422, `本问卷没有指标 ${answer.code}`, `This questionnaire has no indicator ${answer.code}.`, `answers.${answer.code}`);
    if (seen.has(answer.code)) throw refuse('EVALUATION_DUPLICATE_INDICATOR', 422, `指标 ${answer.code} 重复`, `Indicator ${answer.code} answered twice.`, `answers.${answer.code}`);
    seen.add(answer.code);
  });
  command.reasons.forEach((reason, index) => {
    if (!command.allowed.reasons.includes(reason))
      throw refuse('EVALUATION_UNKNOWN_REASON', 422, `未知的原因代码 ${reason}`, `Unknown reason code ${reason}.`, `reasons.${index}`);
  });
  return [
    {
      type: 'EvaluationSubmitted',
      data: {
        invitationId: issued.invitationId,
        submittedAt: command.now,
        channel: command.via,
        overall: command.overall,
        subject: issued.subject,
        answers: command.answers,
        reasons: [...new Set(command.reasons)],
        comment: command.comment,
        attachments: command.attachments,
        evaluator: command.anonymous || !issued.recipient ? { identity: 'anonymous' } : { identity: 'real_name', phone: issued.recipient },
        questionnaireVersion: issued.questionnaireVersion,
        variantId: issued.variantId,
        negative: command.negative,
      },
    },
  ];
};

const decide = (command: InvitationCommand, state: InvitationState): InvitationEvent[] => {
  const id = state.issued?.invitationId ?? '';
  switch (command.type) {
    case 'IssueInvitation': {
      // Issuing is idempotent: the reactor may see the same case event twice.
      if (state.status !== 'none') return [];
      const { type: _type, ...data } = command;
      return [{ type: 'InvitationIssued', data }];
    }
    case 'RecordInvitationSent':
      return state.status === 'none' || state.sent ? [] : [{ type: 'InvitationSent', data: { invitationId: id, sentAt: command.sentAt, messageRef: command.messageRef } }];
    case 'RecordInvitationOpened':
      // The first open of a live link counts; re-opens and opens of used links are not new viewers.
      return state.status !== 'issued' || state.opened ? [] : [{ type: 'InvitationOpened', data: { invitationId: id, openedAt: command.now, via: command.via } }];
    case 'RecordReminderSent': {
      const issued = state.issued;
      if (state.status !== 'issued' || state.reminded || !issued?.remindAt || !isPast(issued.remindAt, command.now) || isPast(issued.expiresAt, command.now)) return [];
      return [{ type: 'InvitationReminded', data: { invitationId: id, remindedAt: command.now, messageRef: command.messageRef } }];
    }
    case 'ExpireInvitation':
      return state.status === 'issued' && isPast(state.issued!.expiresAt, command.now) ? [{ type: 'InvitationExpired', data: { invitationId: id, expiredAt: command.now } }] : [];
    case 'SubmitEvaluation':
      return submit(command, state);
    default:
      return assertNever(command);
  }
};

const evolve = (state: InvitationState, event: InvitationEvent): InvitationState => {
  switch (event.type) {
    case 'InvitationIssued':
      return { ...state, status: 'issued', issued: event.data };
    case 'InvitationSent':
      return { ...state, sent: true };
    case 'InvitationOpened':
      return { ...state, opened: true };
    case 'InvitationReminded':
      return { ...state, reminded: true };
    case 'InvitationExpired':
      return { ...state, status: 'expired' };
    case 'EvaluationSubmitted':
      return { ...state, status: 'rated' };
    default:
      return assertNever(event);
  }
};

/**
 * 评价邀请 (stream `invitation-<id>`): issued → sent/opened/reminded → rated (一次一评) or expired.
 * An unrated invitation expires; nothing ever gives it a score.
 */
export const invitationDecider: Decider<InvitationCommand, InvitationEvent, InvitationState> = {
  initialState: initialInvitationState,
  decide,
  evolve,
  schemaVersions: invitationSchemaVersions,
};

/** Whether a reminder is due, for the sweeper (same rule as the decider). */
export const reminderDue = (state: InvitationState, now: string): boolean =>
  decide({ type: 'RecordReminderSent', now, messageRef: '' }, state).length > 0;
