import type { RecordedEvent } from './types.ts';

/**
 * Lifts one event type from schema version `fromVersion` to `fromVersion + 1`. Old shapes stay
 * frozen in `events.v<N>.ts` files beside their module; upcasters are applied on read, so the stored
 * event is never rewritten.
 *
 * @example
 *   const ratingV1toV2: Upcaster = {
 *     type: 'EvaluationSubmitted', fromVersion: 1,
 *     upcast: (data) => ({ ...(data as EvaluationSubmittedV1), channel: 'sms' }),
 *   };
 */
export interface Upcaster {
  readonly type: string;
  readonly fromVersion: number;
  upcast(data: unknown): unknown;
}

export type UpcastFn = <E extends RecordedEvent>(event: E) => E;

/** Builds the read-side function that brings every event to its newest known shape. */
export const upcasterChain = (upcasters: readonly Upcaster[]): UpcastFn => {
  const byKey = new Map<string, Upcaster>();
  for (const upcaster of upcasters) {
    const key = `${upcaster.type}@${upcaster.fromVersion}`;
    if (byKey.has(key)) throw new Error(`two upcasters for ${key}`);
    byKey.set(key, upcaster);
  }
  return <E extends RecordedEvent>(event: E): E => {
    let current = event;
    for (;;) {
      const step = byKey.get(`${current.type}@${current.schemaVersion}`);
      if (!step) return current;
      current = { ...current, schemaVersion: current.schemaVersion + 1, data: step.upcast(current.data) };
    }
  };
};
