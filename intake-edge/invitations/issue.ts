import { handleCommand } from '../../core/decider/command-handler.ts';
import type { InvitationState } from '../../core/invitation/decider.ts';
import { invitationDecider } from '../../core/invitation/decider.ts';
import { invitationStreamId } from '../../core/invitation/events.ts';
import type { LinkTokens } from '../../core/invitation/token.ts';
import { tokenHash } from '../../core/invitation/token.ts';
import type { InvitationChannel, InvitationTrigger, RatingSubject } from '../../core/invitation/types.ts';
import type { SealedPhone } from '../../core/case/types.ts';
import { chooseVariant } from '../../core/questionnaire/variants.ts';
import type { IntakeDeps } from '../deps.ts';
import type { QuestionnaireSource } from '../questionnaires.ts';

const hours = (date: Date, count: number): Date => new Date(date.getTime() + count * 3_600_000);

export interface IssuedLink {
  readonly invitationId: string;
  readonly token: string;
  readonly link: string;
  readonly state: InvitationState;
  /** False when the invitation already existed (a repeated case event): nothing new was issued. */
  readonly isNew: boolean;
}

/**
 * Issues one invitation (idempotent by invitation id): chooses the questionnaire variant from the
 * current version (千人千面), signs the link token, records InvitationIssued and, for links that get
 * a reminder or expire, a row in app.pending_invitations for the sweeper.
 */
export const issueInvitation = async (
  deps: Pick<IntakeDeps, 'store' | 'db' | 'clock' | 'config'> & { tokens: LinkTokens; questionnaires: QuestionnaireSource },
  request: { invitationId: string; channel: InvitationChannel; trigger: InvitationTrigger; subject: RatingSubject; recipient: SealedPhone | null; causationId?: string },
): Promise<IssuedLink> => {
  const now = deps.clock.now();
  const { version, config } = await deps.questionnaires.current();
  const variant = chooseVariant(config, { ...request.subject, matterType: request.subject.matter.type, channel: request.channel });
  const token = await deps.tokens.issue(request.invitationId);
  const expiresAt = hours(now, deps.config.invitations.expiresAfterHours);
  const remindAt = request.channel === 'sms' ? hours(now, deps.config.invitations.remindAfterHours) : null;
  const result = await handleCommand(
    deps.store,
    invitationStreamId(request.invitationId),
    invitationDecider,
    {
      type: 'IssueInvitation',
      invitationId: request.invitationId,
      channel: request.channel,
      trigger: request.trigger,
      subject: request.subject,
      recipient: request.recipient,
      tokenHash: tokenHash(token),
      issuedAt: now.toISOString(),
      expiresAt: expiresAt.toISOString(),
      remindAt: remindAt?.toISOString() ?? null,
      questionnaireVersion: version,
      variantId: variant.id,
    },
    { commandId: `invitation:${request.invitationId}:issue`, actor: { id: 'intake', role: 'system' }, now, ...(request.causationId ? { causationId: request.causationId } : {}) },
  );
  const isNew = result.appended.length > 0;
  const issued = result.state.issued!;
  // Also when the invitation was already there: a retry after a crash between the append and this
  // insert must still leave the row, or the invitation would never be reminded nor expire.
  if (result.state.status === 'issued') {
    const remind = issued.remindAt ? new Date(issued.remindAt) : null;
    const expires = new Date(issued.expiresAt);
    // A reminder configured later than the expiry never comes: the row is first due at the earlier one.
    const first = remind && remind < expires ? remind : expires;
    await deps.db
      .insertInto('app.pending_invitations')
      .values({ invitation_id: issued.invitationId, next_due_at: first, remind_at: remind, expires_at: expires, created_at: now })
      .onConflict((conflict) => conflict.doNothing())
      .execute();
  }
  return { invitationId: request.invitationId, token, link: `${deps.config.publicBaseUrl}/e/${token}`, state: result.state, isNew };
};
