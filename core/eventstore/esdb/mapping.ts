/**
 * Pure translation between the event store port and EventStoreDB's terms. Our stream versions start
 * at 1, ESDB revisions at 0; our envelope (type, schema version, metadata) travels in ESDB's
 * metadata JSON; log positions are ESDB's (commit, prepare) pair, zero-padded so that string order
 * is log order.
 */
import * as v from 'valibot';
import type { EventMetadata, ExpectedVersion, LogPosition, NewEvent, RecordedEvent } from '../types.ts';
import { streamCategory } from '../types.ts';
import type { EsdbExpected, EsdbLiveFilter, EsdbPosition, EsdbProposed, EsdbRecorded } from './client.ts';

const WIDTH = 20;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const CHECKPOINT_STREAM_PREFIX = 'pinggai-checkpoint-';

export const checkpointStreamName = (subscriberId: string): string => `${CHECKPOINT_STREAM_PREFIX}${subscriberId}`;

export const toExpectedRevision = (expected: ExpectedVersion): EsdbExpected => {
  if (typeof expected !== 'number') return expected;
  if (!Number.isSafeInteger(expected) || expected < 0) throw new Error(`expected version must be a whole number ≥ 0, got ${expected}`);
  // Version 0 is "no events yet", which ESDB can only say as NO_STREAM (revision -1 does not exist).
  return expected === 0 ? 'no_stream' : BigInt(expected - 1);
};

/** The stream's version as the port counts it, from ESDB's current revision. */
export const toStreamVersion = (revision: 'no_stream' | bigint): number =>
  revision === 'no_stream' || revision < 0n ? 0 : Number(revision) + 1;

export const toLogPosition = (position: EsdbPosition): LogPosition =>
  `${position.commit.toString().padStart(WIDTH, '0')}/${position.prepare.toString().padStart(WIDTH, '0')}` as LogPosition;

export const parseLogPosition = (position: LogPosition): EsdbPosition => {
  const match = /^(\d{1,20})\/(\d{1,20})$/.exec(position);
  if (!match) throw new Error(`not an EventStoreDB log position: ${position}`);
  return { commit: BigInt(match[1]!), prepare: BigInt(match[2]!) };
};

export const comparePositions = (a: EsdbPosition, b: EsdbPosition): number =>
  a.commit !== b.commit ? (a.commit < b.commit ? -1 : 1) : a.prepare === b.prepare ? 0 : a.prepare < b.prepare ? -1 : 1;

export const isEventId = (id: string): boolean => UUID.test(id);

/** ESDB returns ids in lower case; compare them that way. */
export const normaliseEventId = (id: string): string => id.toLowerCase();

const envelopeSchema = v.looseObject({
  schemaVersion: v.pipe(v.number(), v.integer(), v.minValue(1)),
  metadata: v.looseObject({ occurredAt: v.string() }),
  appendId: v.optional(v.string()),
});

/**
 * `appendId` marks which append call wrote the events: when ESDB acknowledges a retry without writing
 * (its own idempotency), the stored events carry the earlier call's id, and we can say so.
 */
export const toProposedEvent = (event: NewEvent, appendId: string): EsdbProposed => ({
  id: event.id,
  type: event.type,
  data: event.data,
  metadata: {
    type: event.type,
    schemaVersion: event.schemaVersion,
    metadata: event.metadata,
    appendId,
    // ESDB's own projections ($by_correlation_id) read these two names.
    ...(event.metadata.correlationId ? { $correlationId: event.metadata.correlationId } : {}),
    ...(event.metadata.causationId ? { $causationId: event.metadata.causationId } : {}),
  },
});

export const appendIdOf = (event: EsdbRecorded): string | undefined => {
  const parsed = v.safeParse(envelopeSchema, event.metadata);
  return parsed.success ? parsed.output.appendId : undefined;
};

/**
 * Events not written by this adapter (no envelope) are still readable: schema version 1 and the
 * recording time as the time they occurred.
 */
export const toRecordedEvent = (event: EsdbRecorded): RecordedEvent => {
  if (!event.position) {
    throw new Error(`EventStoreDB did not report the log position of ${event.streamId}@${event.revision}: use server 22.10 or newer`);
  }
  const recordedAt = event.created.toISOString();
  const envelope = v.safeParse(envelopeSchema, event.metadata);
  return {
    id: event.id,
    type: event.type,
    schemaVersion: envelope.success ? envelope.output.schemaVersion : 1,
    data: event.data,
    metadata: envelope.success ? (envelope.output.metadata as EventMetadata) : { occurredAt: recordedAt },
    streamId: event.streamId,
    streamVersion: Number(event.revision) + 1,
    globalPosition: event.position.commit,
    logPosition: toLogPosition(event.position),
    recordedAt,
  };
};

/** Application events only: no system streams or event types, no checkpoint streams, right category. */
export const isApplicationEvent = (event: EsdbRecorded, categories?: readonly string[]): boolean => {
  if (event.streamId.startsWith('$') || event.type.startsWith('$')) return false;
  if (event.streamId.startsWith(CHECKPOINT_STREAM_PREFIX)) return false;
  if (categories && categories.length > 0) return categories.includes(streamCategory(event.streamId));
  return true;
};

/**
 * The server-side filter of a live subscription. It only narrows what travels; `isApplicationEvent`
 * still decides (a prefix `case` also matches `cases-1`).
 */
export const liveFilter = (categories?: readonly string[]): EsdbLiveFilter =>
  categories && categories.length > 0
    ? { streamPrefixes: [...categories] }
    : { streamRegex: `^(?!\\$|${CHECKPOINT_STREAM_PREFIX})` };

export type RetryVerdict =
  | { readonly kind: 'none' }
  | { readonly kind: 'all'; readonly last: EsdbRecorded }
  | { readonly kind: 'partial'; readonly duplicateIds: readonly string[] };

/** Which of the events about to be appended the stream already holds. */
export const classifyRetry = (stored: readonly EsdbRecorded[], events: readonly NewEvent[]): RetryVerdict => {
  const wanted = new Set(events.map((event) => normaliseEventId(event.id)));
  const found = stored.filter((event) => wanted.has(normaliseEventId(event.id)));
  if (found.length === 0) return { kind: 'none' };
  const foundIds = new Set(found.map((event) => normaliseEventId(event.id)));
  if (foundIds.size < wanted.size) return { kind: 'partial', duplicateIds: [...foundIds] };
  const last = found.reduce((a, b) => (a.revision > b.revision ? a : b));
  return { kind: 'all', last };
};
