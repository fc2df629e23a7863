import { randomUUID } from 'node:crypto';
import type {
  AppendOptions,
  AppendResult,
  CheckpointStore,
  EventStore,
  LogPosition,
  NewEvent,
  ReadAllOptions,
  RecordedEvent,
  SubscribeOptions,
  Subscription,
} from '../types.ts';
import { PartialDuplicateAppend, WrongExpectedVersion } from '../types.ts';
import type { Upcaster } from '../upcasting.ts';
import { upcasterChain } from '../upcasting.ts';
import { createEsdbCheckpointStore } from './checkpoints.ts';
import type { EsdbConnection, EsdbPosition, EsdbRecorded } from './client.ts';
import { connectEsdb } from './client.ts';
import {
  appendIdOf,
  classifyRetry,
  comparePositions,
  isApplicationEvent,
  isEventId,
  liveFilter,
  parseLogPosition,
  toExpectedRevision,
  toLogPosition,
  toProposedEvent,
  toRecordedEvent,
  toStreamVersion,
} from './mapping.ts';
import { startEsdbSubscription } from './subscription.ts';

export interface EsdbEventStoreOptions {
  /** `esdb://host:2113?tls=false`, or with credentials `esdb://admin:changeit@host:2113`. */
  readonly connectionString: string;
  readonly upcasters?: readonly Upcaster[];
  /** Where subscribers keep checkpoints; default: a stream per subscriber in EventStoreDB. */
  readonly checkpoints?: CheckpointStore;
}

/** $all is read in pages at least this long: filtering happens here, so small limits would crawl. */
const MIN_PAGE = 500;

/**
 * The event store port on EventStoreDB. ESDB enforces the expected revision and orders `$all`
 * itself; this adapter translates versions and envelopes, and makes idempotent retries explicit:
 * ESDB recognises a retried write only when its expected revision matches the original one (and,
 * under ANY, only while the ids are in its cache), so the adapter looks the ids up in the stream
 * whenever a write could be a retry.
 */
export const createEsdbEventStore = (options: EsdbEventStoreOptions): EventStore => {
  const connection: EsdbConnection = connectEsdb(options.connectionString);
  const upcast = upcasterChain(options.upcasters ?? []);
  const checkpoints = options.checkpoints ?? createEsdbCheckpointStore(connection);
  const subscriptions = new Set<Subscription>();
  let stallNoticeLogged = false;
  let closing: Promise<void> | null = null;

  const toEvent = (event: EsdbRecorded): RecordedEvent => upcast(toRecordedEvent(event));

  const positionOf = (event: EsdbRecorded): EsdbPosition => {
    if (!event.position) throw new Error(`EventStoreDB did not report the position of ${event.streamId}@${event.revision}`);
    return event.position;
  };

  /** A write that did not happen (or that ESDB acknowledged without writing): is it a retry? */
  const resolveRetry = async (streamId: string, events: readonly NewEvent[]): Promise<AppendResult | null> => {
    const stored = await connection.readStream(streamId, {});
    const verdict = classifyRetry(stored, events);
    switch (verdict.kind) {
      case 'none':
        return null;
      case 'partial':
        throw new PartialDuplicateAppend(streamId, verdict.duplicateIds);
      case 'all': {
        const last = stored[stored.length - 1]!;
        return {
          nextExpectedVersion: Number(last.revision) + 1,
          lastLogPosition: toLogPosition(positionOf(verdict.last)),
          alreadyAppended: true,
        };
      }
    }
  };

  const append = async (streamId: string, events: readonly NewEvent[], appendOptions: AppendOptions = {}): Promise<AppendResult> => {
    if (events.length === 0) throw new Error(`append to ${streamId}: no events`);
    for (const event of events) {
      if (!isEventId(event.id)) throw new Error(`append to ${streamId}: event id ${event.id} is not a UUID`);
    }
    const expected = appendOptions.expectedVersion ?? 'any';
    if (expected === 'any' || expected === 'stream_exists') {
      // Nothing in the expectation lets ESDB recognise an old retry here.
      const retried = await resolveRetry(streamId, events);
      if (retried) return retried;
    }
    const appendId = randomUUID();
    const outcome = await connection.append(
      streamId,
      events.map((event) => toProposedEvent(event, appendId)),
      toExpectedRevision(expected),
    );
    if (!outcome.ok) {
      const retried = await resolveRetry(streamId, events);
      if (retried) return retried;
      throw new WrongExpectedVersion(streamId, expected, toStreamVersion(outcome.actual));
    }
    // ESDB answers an exact retry with success and writes nothing; the stored events then carry the
    // earlier call's append id.
    const [last] =
      outcome.nextRevision < 0n ? [] : await connection.readStream(streamId, { fromRevision: outcome.nextRevision, maxCount: 1 });
    if (!last || appendIdOf(last) !== appendId) {
      const retried = await resolveRetry(streamId, events);
      if (retried) return retried;
      throw new Error(`append to ${streamId}: acknowledged, but the events are not in the stream`);
    }
    return {
      nextExpectedVersion: toStreamVersion(outcome.nextRevision),
      // The stored event's own position: what the append reply reports differs between server versions.
      lastLogPosition: toLogPosition(positionOf(last)),
      alreadyAppended: false,
    };
  };

  const readStream = async (streamId: string, readOptions: { fromVersion?: number } = {}): Promise<RecordedEvent[]> => {
    const fromVersion = readOptions.fromVersion ?? 1;
    if (!Number.isSafeInteger(fromVersion) || fromVersion < 1) throw new Error(`fromVersion must be ≥ 1, got ${fromVersion}`);
    const stored = await connection.readStream(streamId, { fromRevision: BigInt(fromVersion - 1) });
    return stored.filter((event) => !event.type.startsWith('$')).map(toEvent);
  };

  /** ESDB 22–24 cannot filter a `$all` read on the server (only subscriptions), so we filter here. */
  const readAll = async ({ after, limit, categories }: ReadAllOptions): Promise<RecordedEvent[]> => {
    if (!Number.isSafeInteger(limit) || limit < 1) throw new Error(`limit must be ≥ 1, got ${limit}`);
    const out: RecordedEvent[] = [];
    let cursor: EsdbPosition | null = after ? parseLogPosition(after) : null;
    const page = Math.max(limit, MIN_PAGE);
    for (;;) {
      const batch = await connection.readAll({ from: cursor ?? 'start', maxCount: page });
      for (const event of batch) {
        const position = positionOf(event);
        if (cursor && comparePositions(position, cursor) <= 0) continue;
        if (!isApplicationEvent(event, categories)) continue;
        out.push(toEvent(event));
        if (out.length === limit) return out;
      }
      if (batch.length < page) return out;
      cursor = positionOf(batch[batch.length - 1]!);
    }
  };

  const headPosition = async (categories?: readonly string[]): Promise<LogPosition | null> => {
    let from: EsdbPosition | 'end' = 'end';
    for (;;) {
      const batch = await connection.readAll({ from, backwards: true, maxCount: MIN_PAGE });
      const newest = batch.find((event) => isApplicationEvent(event, categories));
      if (newest) return toLogPosition(positionOf(newest));
      if (batch.length < MIN_PAGE) return null;
      from = positionOf(batch[batch.length - 1]!);
    }
  };

  const follow = (from: LogPosition | null, categories: readonly string[] | undefined, batchSize: number) => {
    const feed = connection.subscribeAll(from ? parseLogPosition(from) : 'start', liveFilter(categories));
    async function* batches() {
      for await (const batch of feed.batches(batchSize)) {
        const events = batch.filter((event) => isApplicationEvent(event, categories)).map(toEvent);
        if (events.length > 0) yield events;
      }
    }
    return { batches: batches(), close: () => feed.close() };
  };

  return {
    name: 'eventstoredb',
    append,
    readStream,
    readAll,
    checkpoints,
    subscribe(subscribeOptions: SubscribeOptions) {
      if (subscribeOptions.onStall && !stallNoticeLogged) {
        stallNoticeLogged = true;
        console.info(
          JSON.stringify({
            level: 'info',
            msg: 'stall reporting does not apply to EventStoreDB: appends are visible in $all once acknowledged',
          }),
        );
      }
      const subscription = startEsdbSubscription(subscribeOptions, {
        readAll,
        headPosition,
        follow,
        checkpoints: subscribeOptions.checkpoints ?? checkpoints,
      });
      subscriptions.add(subscription);
      return subscription;
    },
    close() {
      closing ??= (async () => {
        await Promise.all([...subscriptions].map((subscription) => subscription.stop()));
        subscriptions.clear();
        await connection.dispose();
      })();
      return closing;
    },
  };
};
