import type { Kysely } from 'kysely';
import type { PiiVault } from '../pii/vault.ts';
import { DomainError } from '../shared/errors.ts';
import { validateSmsMessage } from './outbox.ts';
import type { SmsDatabase } from './send-log.ts';
import { claimProviderSend, completeProviderSend, resultOfRow } from './send-log.ts';
import type { SmsMessage, SmsProviderName, SmsSendResult } from './types.ts';

/** What one call to a provider came to. */
export type ProviderOutcome =
  | { readonly status: 'sent'; readonly providerMessageId: string }
  | { readonly status: 'failed' | 'in_doubt'; readonly error: { readonly code: string; readonly message: string } };

export interface ProviderDeps {
  readonly db: Kysely<SmsDatabase>;
  readonly vault: PiiVault;
  /** Injected so the adapters run against a local server in tests (and on any runtime). */
  readonly fetch?: typeof fetch;
  readonly now?: () => Date;
  readonly nonce?: () => string;
}

/**
 * The provider adapters' common path: validate, claim the idempotency key in the send log, call the
 * provider once, record the answer. A key that was sent, is in doubt or is being sent is not sent
 * again; the stored result comes back with `duplicate: true`. A transport error is recorded as
 * `in_doubt` (the provider may have sent it): an operator checks the provider's delivery report
 * rather than the system risking a second message to a citizen.
 */
export const sendThroughProvider = async (
  deps: ProviderDeps,
  provider: SmsProviderName,
  message: SmsMessage,
  call: (message: SmsMessage) => Promise<ProviderOutcome>,
): Promise<SmsSendResult> => {
  const valid = validateSmsMessage(message);
  const claim = await claimProviderSend(deps.db, deps.vault, provider, valid);
  if (!claim.claimed) return resultOfRow(claim.row, true);
  let outcome: ProviderOutcome;
  try {
    outcome = await call(valid);
  } catch (error) {
    // Only the error's name: a transport message could quote the request URL, which holds the phone.
    outcome = { status: 'in_doubt', error: { code: 'SMS_TRANSPORT_ERROR', message: error instanceof Error ? error.name : 'unknown' } };
  }
  return resultOfRow(await completeProviderSend(deps.db, valid.idempotencyKey, outcome), false);
};

export const unknownTemplate = (provider: SmsProviderName, templateCode: string): DomainError =>
  new DomainError('SMS_TEMPLATE_UNKNOWN', `no ${provider} template is configured for "${templateCode}"`, {
    status: 500,
    details: { provider, templateCode },
  });

/** Reads a JSON body, or undefined when the body is not JSON (a proxy's HTML error page, say). */
export const jsonOrUndefined = async (response: Response): Promise<unknown> => {
  try {
    return await response.json();
  } catch {
    return undefined;
  }
};
