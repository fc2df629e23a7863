import { currentTraceparent, inSpan } from '../telemetry/trace.ts';
import type { AppendOptions, EventStore, NewEvent } from './types.ts';
import { WrongExpectedVersion } from './types.ts';

export type AppendOutcome = 'ok' | 'conflict' | 'error';

/**
 * One group-commit statement of the Postgres or PGlite store: how many callers' appends it carried,
 * and whether they went through together or the statement failed and each was made again alone.
 * `code` is the SQLSTATE that failed it (23505: a retried event id or a version taken meanwhile;
 * 55P03: a lock wait over 200 ms), or null when it was not a Postgres error. Many redone statements
 * mean hot streams or retries, and each costs its appends a second trip.
 */
export interface GroupCommitReport {
  readonly appends: number;
  readonly outcome: 'together' | 'redone';
  readonly code: string | null;
}

export interface EventStoreObserver {
  /** After every append: how long it took, how many events were given, and how it ended. */
  readonly onAppend?: (seconds: number, events: number, outcome: AppendOutcome) => void;
}

/**
 * The store with its appends traced and timed. Each append runs in an `eventstore.append` span, and
 * events that carry no traceparent get that span's, so whoever handles them later (projectors, the
 * warning policy, the forwarder) continues the same trace. A retry appends the same event ids, so the
 * idempotency of appends does not depend on the traceparent.
 *
 * @example
 *   const store = instrumentEventStore(createPgEventStore({ connectionString }), { onAppend: metrics.observeAppend });
 */
export const instrumentEventStore = (store: EventStore, observer: EventStoreObserver = {}): EventStore => {
  const append = (streamId: string, events: readonly NewEvent[], options?: AppendOptions) =>
    inSpan(
      'eventstore.append',
      { attributes: { 'pinggai.stream.id': streamId, 'pinggai.events': events.length } },
      async () => {
        const traceparent = currentTraceparent();
        const stamped = traceparent
          ? events.map((event) => (event.metadata.traceparent ? event : { ...event, metadata: { ...event.metadata, traceparent } }))
          : events;
        const started = performance.now();
        let outcome: AppendOutcome = 'error';
        try {
          const result = await store.append(streamId, stamped, options);
          outcome = 'ok';
          return result;
        } catch (error) {
          if (error instanceof WrongExpectedVersion) outcome = 'conflict';
          throw error;
        } finally {
          observer.onAppend?.((performance.now() - started) / 1000, events.length, outcome);
        }
      },
    );
  return new Proxy(store, {
    get: (target, property, receiver) => (property === 'append' ? append : Reflect.get(target, property, receiver)),
  });
};
