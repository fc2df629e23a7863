import type { EventStore } from '../../core/eventstore/types.ts';
import type { EvaluationSubmitted } from '../../core/invitation/events.ts';
import type { PiiVault } from '../../core/pii/vault.ts';

/**
 * Resolves a warning's citizen contact reference (the rating's invitation stream, set by the warning
 * policy for real-name raters only) to the phone, for the progress SMS. The number exists in memory
 * only while the message is sent; an anonymous rater has no reference and is never contacted, and a
 * crypto-shredded key yields null.
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
    } catch {
      return null;
    }
  };
