import type { InvitationIssued } from '../../core/invitation/events.ts';
import { invitationSmsText } from '../../core/invitation/sms-text.ts';
import type { SmsSendResult } from '../../core/sms/types.ts';
import { DomainError } from '../../core/shared/errors.ts';
import type { IntakeDeps } from '../deps.ts';

/** The SMS templates the intake sends with this configuration (checked against the provider's at start-up). */
export const invitationTemplateCodes = (config: Pick<IntakeDeps['config'], 'invitations'>): readonly string[] => [
  'invitation',
  'invitation_reminder',
  ...(config.invitations.alsoAtStages.length > 0 ? ['invitation_stage'] : []),
];

/**
 * Sends the invitation (or its one reminder) through the SMS gateway. The idempotency key makes a
 * retried send (reactor replay, sweeper crash) reach the citizen at most once. The plain number
 * exists only here, between the vault and the gateway.
 */
export const sendInvitationSms = async (
  deps: Pick<IntakeDeps, 'vault' | 'sms' | 'config'>,
  issued: InvitationIssued['data'],
  link: string,
  kind: 'invite' | 'remind',
): Promise<SmsSendResult | null> => {
  if (!issued.recipient) return null;
  let to: string;
  try {
    to = await deps.vault.open(issued.recipient.sealed, 'phone');
  } catch (error) {
    // A number that no longer opens (key destroyed by crypto-shredding, or corrupt) cannot be
    // reached; retrying would block the reactor forever on this one event.
    if (error instanceof DomainError && (error.code === 'PII_KEY_DESTROYED' || error.code === 'PII_SEALED_INVALID')) return null;
    throw error;
  }
  const atStage = kind === 'invite' && issued.trigger !== 'case_completed' && issued.trigger !== 'static_qr';
  const text = invitationSmsText({ signName: deps.config.sms.signName, link, kind: atStage ? 'invite_stage' : kind });
  return deps.sms.send({
    idempotencyKey: `invitation:${issued.invitationId}:${kind === 'invite' ? 'send' : 'remind'}`,
    to,
    // A provider sends its approved template, not `text`: an earlier stage has its own.
    templateCode: atStage ? 'invitation_stage' : kind === 'invite' ? 'invitation' : 'invitation_reminder',
    params: { link },
    text: text.full,
    purpose: kind === 'invite' ? 'invitation' : 'reminder',
  });
};
