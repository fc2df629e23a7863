import type { EventStore } from '../../core/eventstore/types.ts';
import type { EvaluationSubmitted } from '../../core/invitation/events.ts';
import type { PiiVault } from '../../core/pii/vault.ts';
import { DomainError } from '../../core/shared/errors.ts';

/**
 * Resolves a warning's citizen contact reference (the rating's invitation stream, set by the warning
 * policy for real-name raters only) to the phone, for the progress SMS. The number exists in memory
 * only while the message is sent; an anonymous rater has no reference and is never contacted. A
 * crypto-shredded key (the citizen's data erased) or a sealed value that does not open yields null:
 * trying again would not change it. Anything else is thrown: a database error is retried, and a
 * keyring without the key that sealed it (PII_KEY_UNKNOWN) makes the notice activity give up with an
 * error in the log (workflows/activities.ts), instead of the citizen silently never hearing back.
 */
export const citizenPhoneResolver =
  (store: EventStore, vault: PiiVault) =>
  async (contactRef: string): Promise<string | null> => {
    if (!contactRef.startsWith('invitation-')) return null;
    const rating = (await store.readStream(contactRef)).find((event) => event.type === 'EvaluationSubmitted');
    const evaluator = (rating?.data as EvaluationSubmitted['data'] | undefined)?.evaluator;
    if (!evaluator || evaluator.identity !== 'real_name') return null;
    try {
      return await vault.open(evaluator.phone.sealed, 'phone');
    } catch (error) {
      if (error instanceof DomainError && (error.code === 'PII_KEY_DESTROYED' || error.code === 'PII_SEALED_INVALID')) return null;
      throw error;
    }
  };
