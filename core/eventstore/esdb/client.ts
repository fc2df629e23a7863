/**
 * The only file that imports the EventStoreDB client library. Everything else in this adapter talks
 * to the small `EsdbConnection` below, in plain data.
 *
 * Switching to the renamed successor `@kurrent/kurrentdb-client` is a change to this file alone:
 * import `KurrentDBClient` (and `KurrentDBClient.connectionString`), accept `kurrentdb://` URLs, and pass
 * `streamState` where `appendToStream` takes `expectedRevision` here (the constants ANY / NO_STREAM /
 * STREAM_EXISTS keep their names).
 *
 * Needs EventStoreDB 22.10 or newer: stream reads must report each event's log position.
 * On a secure cluster the connection string must carry a user allowed to read `$all` (e.g. admin).
 */
import type { AllStreamResolvedEvent, Filter, Position, RecordedEvent, ResolvedEvent } from '@eventstore/db-client';
import {
  ANY,
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  StreamNotFoundError,
  WrongExpectedVersionError,
  jsonEvent,
  streamNameFilter,
} from '@eventstore/db-client';
import { readableBatches } from './readable-batches.ts';

export interface EsdbPosition {
  readonly commit: bigint;
  readonly prepare: bigint;
}

/** A stored event as the server returns it, stripped to what the adapter reads. */
export interface EsdbRecorded {
  readonly streamId: string;
  readonly id: string;
  /** 0 for the first event of a stream. */
  readonly revision: bigint;
  readonly type: string;
  readonly created: Date;
  readonly isJson: boolean;
  readonly data: unknown;
  readonly metadata: unknown;
  readonly position?: EsdbPosition | undefined;
}

export interface EsdbProposed {
  readonly id: string;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: Record<string, unknown>;
}

/** What `appendToStream` checks: the library's ANY / NO_STREAM / STREAM_EXISTS, or a revision. */
export type EsdbExpected = 'any' | 'no_stream' | 'stream_exists' | bigint;

export type EsdbAppendOutcome =
  | { readonly ok: true; readonly nextRevision: bigint }
  | { readonly ok: false; readonly actual: 'no_stream' | bigint };

export type EsdbLiveFilter = { readonly streamPrefixes: readonly string[] } | { readonly streamRegex: string };

export interface EsdbLiveFeed {
  /** Events in log order, grouped as they arrive (at most `max` per batch). */
  batches(max: number): AsyncIterable<EsdbRecorded[]>;
  close(): Promise<void>;
}

export interface EsdbConnection {
  append(streamId: string, events: readonly EsdbProposed[], expected: EsdbExpected): Promise<EsdbAppendOutcome>;
  /** [] when the stream does not exist. */
  readStream(
    streamId: string,
    options: { fromRevision?: bigint | 'start' | 'end'; backwards?: boolean; maxCount?: number },
  ): Promise<EsdbRecorded[]>;
  /** From `from` inclusive; links and events the server cannot resolve are left out. */
  readAll(options: { from: EsdbPosition | 'start' | 'end'; backwards?: boolean; maxCount: number }): Promise<EsdbRecorded[]>;
  /** A catch-up subscription to `$all` that starts after `from` and then follows live. */
  subscribeAll(from: EsdbPosition | 'start', filter: EsdbLiveFilter): EsdbLiveFeed;
  /** Keeps only the newest `maxCount` events of a stream (older ones go at the next scavenge). */
  setMaxCount(streamId: string, maxCount: number): Promise<void>;
  dispose(): Promise<void>;
}

const toExpectedRevision = (expected: EsdbExpected) => {
  switch (expected) {
    case 'any':
      return ANY;
    case 'no_stream':
      return NO_STREAM;
    case 'stream_exists':
      return STREAM_EXISTS;
    default:
      return expected;
  }
};

const toRecorded = (event: RecordedEvent): EsdbRecorded => ({
  streamId: event.streamId,
  id: event.id,
  revision: event.revision,
  type: event.type,
  created: event.created,
  isJson: event.isJson,
  data: event.data,
  metadata: event.metadata,
  position: event.position,
});

const resolvedEvents = (resolved: readonly (ResolvedEvent | AllStreamResolvedEvent)[]): EsdbRecorded[] =>
  resolved.flatMap((entry) => (entry.event ? [toRecorded(entry.event)] : []));

const collect = async <T>(iterable: AsyncIterable<T>): Promise<T[]> => {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
};

const toFilter = (filter: EsdbLiveFilter): Filter =>
  'streamPrefixes' in filter
    ? streamNameFilter({ prefixes: [...filter.streamPrefixes] })
    : streamNameFilter({ regex: filter.streamRegex });

export const connectEsdb = (connectionString: string): EsdbConnection => {
  const client = EventStoreDBClient.connectionString(connectionString);

  return {
    async append(streamId, events, expected) {
      const data = events.map((event) =>
        jsonEvent({
          id: event.id,
          type: event.type,
          // The wire format is JSON text; the library's type only admits objects, arrays and strings.
          data: (event.data ?? null) as Record<string, unknown>,
          metadata: event.metadata,
        }),
      );
      try {
        const result = await client.appendToStream(streamId, data, { expectedRevision: toExpectedRevision(expected) });
        return { ok: true, nextRevision: result.nextExpectedRevision };
      } catch (error) {
        if (error instanceof WrongExpectedVersionError) return { ok: false, actual: error.actualVersion };
        throw error;
      }
    },

    async readStream(streamId, options) {
      try {
        const resolved = await collect(
          client.readStream(streamId, {
            fromRevision: options.fromRevision ?? (options.backwards ? END : START),
            direction: options.backwards ? BACKWARDS : FORWARDS,
            ...(options.maxCount === undefined ? {} : { maxCount: options.maxCount }),
          }),
        );
        return resolvedEvents(resolved);
      } catch (error) {
        if (error instanceof StreamNotFoundError) return [];
        throw error;
      }
    },

    async readAll(options) {
      const from: Position | typeof START | typeof END =
        options.from === 'start' ? START : options.from === 'end' ? END : { ...options.from };
      const resolved = await collect(
        client.readAll({ fromPosition: from, direction: options.backwards ? BACKWARDS : FORWARDS, maxCount: options.maxCount }),
      );
      return resolvedEvents(resolved);
    },

    subscribeAll(from, filter) {
      const subscription = client.subscribeToAll({
        fromPosition: from === 'start' ? START : { ...from },
        filter: toFilter(filter),
      });
      return {
        async *batches(max) {
          for await (const batch of readableBatches<AllStreamResolvedEvent>(subscription, max)) {
            const events = resolvedEvents(batch);
            if (events.length > 0) yield events;
          }
        },
        async close() {
          await subscription.unsubscribe();
          subscription.destroy();
        },
      };
    },

    async setMaxCount(streamId, maxCount) {
      await client.setStreamMetadata(streamId, { maxCount });
    },

    dispose: () => client.dispose(),
  };
};
