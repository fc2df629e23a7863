import type { SealedPhone } from '../case/types.ts';
import type { DomainEvent } from '../decider/decider.ts';
import type { SatisfactionLevel } from '../questionnaire/types.ts';
import type { AttachmentRef, Evaluator, IndicatorAnswer, InvitationChannel, InvitationTrigger, RatingSubject } from './types.ts';

/** 评价邀请: the link (SMS or QR) with the questionnaire version it must be answered with. */
export type InvitationIssued = DomainEvent<
  'InvitationIssued',
  {
    readonly invitationId: string;
    readonly channel: InvitationChannel;
    readonly trigger: InvitationTrigger;
    readonly subject: RatingSubject;
    /** Who the SMS goes to (sealed); null for QR invitations. */
    readonly recipient: SealedPhone | null;
    /** SHA-256 (hex) of the link token: proves which link was issued without storing it. */
    readonly tokenHash: string;
    readonly issuedAt: string;
    readonly expiresAt: string;
    /** When one reminder is due if still unrated; null when no reminder is sent (QR). */
    readonly remindAt: string | null;
    readonly questionnaireVersion: number;
    readonly variantId: string;
  }
>;

export type InvitationSent = DomainEvent<'InvitationSent', { readonly invitationId: string; readonly sentAt: string; readonly messageRef: string }>;

/** The questionnaire was opened: response rates (回收率) are submissions ÷ opens, per channel. */
export type InvitationOpened = DomainEvent<
  'InvitationOpened',
  { readonly invitationId: string; readonly openedAt: string; readonly via: InvitationChannel }
>;

export type InvitationReminded = DomainEvent<
  'InvitationReminded',
  { readonly invitationId: string; readonly remindedAt: string; readonly messageRef: string }
>;

/** Not rated in time: the case stays 未评 (never a default score). */
export type InvitationExpired = DomainEvent<'InvitationExpired', { readonly invitationId: string; readonly expiredAt: string }>;

/** 评价提交: immutable, one per invitation (一次一评), with every national field. */
export type EvaluationSubmitted = DomainEvent<
  'EvaluationSubmitted',
  {
    readonly invitationId: string;
    readonly submittedAt: string;
    /** 评价渠道: how the citizen reached the questionnaire. */
    readonly channel: InvitationChannel;
    readonly overall: SatisfactionLevel;
    readonly subject: RatingSubject;
    readonly answers: readonly IndicatorAnswer[];
    readonly reasons: readonly string[];
    readonly comment: string | null;
    readonly attachments: readonly AttachmentRef[];
    readonly evaluator: Evaluator;
    readonly questionnaireVersion: number;
    readonly variantId: string;
    /** 差评 by the questionnaire's rule at the time (level or a warning reason): the warning policy reads it. */
    readonly negative: boolean;
  }
>;

export type InvitationEvent =
  | InvitationIssued
  | InvitationSent
  | InvitationOpened
  | InvitationReminded
  | InvitationExpired
  | EvaluationSubmitted;

export const invitationSchemaVersions = {
  InvitationIssued: 1,
  InvitationSent: 1,
  InvitationOpened: 1,
  InvitationReminded: 1,
  InvitationExpired: 1,
  EvaluationSubmitted: 1,
} as const;

export const invitationStreamId = (invitationId: string): string => `invitation-${invitationId}`;
