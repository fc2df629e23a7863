/**
 * The event store port. Every state change in PingGai is an event in a stream (`case-…`,
 * `invitation-…`, `warning-…`, `config-…`); the store is the only source of truth. Adapters:
 * Postgres server (pg), PGlite (embedded) and EventStoreDB. All of them pass the same contract suite
 * (`core/eventstore/contract.ts`).
 */
import { DomainError } from '../shared/errors.ts';

/** Who did it, in the officials' terms: an account, a role, a department; or the system itself. */
export interface Actor {
  readonly id: string;
  readonly role?: string;
  readonly department?: string;
}

export interface EventMetadata {
  readonly correlationId?: string;
  readonly causationId?: string;
  readonly actor?: Actor;
  /** When it happened in the world (ISO-8601); the store adds recordedAt itself. */
  readonly occurredAt: string;
  /** W3C trace context, so a trace follows one rating from the edge to the workflow. */
  readonly traceparent?: string;
  readonly [key: string]: unknown;
}

/** What a command handler hands to `append`. `id` is the idempotency key of the event. */
export interface NewEvent<Type extends string = string, Data = unknown> {
  readonly id: string;
  readonly type: Type;
  readonly schemaVersion: number;
  readonly data: Data;
  readonly metadata: EventMetadata;
}

/**
 * A position in the store-wide log. Opaque; positions of one store compare correctly as strings
 * (adapters zero-pad their parts), which is all a checkpoint needs.
 */
export type LogPosition = string & { readonly __brand: 'LogPosition' };

export interface RecordedEvent<Type extends string = string, Data = unknown> extends NewEvent<Type, Data> {
  readonly streamId: string;
  /** 1 for the first event of a stream. */
  readonly streamVersion: number;
  /** Unique, increasing in insertion order; shown to people. Subscribers follow `logPosition`. */
  readonly globalPosition: bigint;
  readonly logPosition: LogPosition;
  readonly recordedAt: string;
}

/** `no_stream`: the stream must not exist; a number: the stream's current version must equal it. */
export type ExpectedVersion = 'any' | 'no_stream' | 'stream_exists' | number;

export interface AppendOptions {
  readonly expectedVersion?: ExpectedVersion;
}

export interface AppendResult {
  /** The stream's version after the append (pass it as expectedVersion next time). */
  readonly nextExpectedVersion: number;
  readonly lastLogPosition: LogPosition;
  /** True when every event id was already in the stream: a retry, nothing written. */
  readonly alreadyAppended: boolean;
}

export interface ReadAllOptions {
  /** Read strictly after this position; null or absent reads from the start. */
  readonly after?: LogPosition | null;
  readonly limit: number;
  /** Only streams of these categories (the part of the stream id before the first '-'). */
  readonly categories?: readonly string[];
}

export interface CheckpointStore {
  load(subscriberId: string): Promise<LogPosition | null>;
  save(subscriberId: string, position: LogPosition): Promise<void>;
}

export interface SubscribeOptions {
  readonly subscriberId: string;
  /** Called with batches in log order; the checkpoint is saved after it resolves (at-least-once). */
  readonly handle: (events: readonly RecordedEvent[]) => Promise<void>;
  readonly categories?: readonly string[];
  readonly batchSize?: number;
  /** Where checkpoints live; default: the store's own checkpoint table. */
  readonly checkpoints?: CheckpointStore;
  /** Fallback polling interval when no wake-up arrives (ms). */
  readonly pollIntervalMs?: number;
  readonly onError?: (error: unknown) => void;
  /** Told when uncommitted transactions hold the subscriber back for longer than `stallAfterMs`. */
  readonly onStall?: (info: StallInfo) => void;
  readonly stallAfterMs?: number;
}

export interface StallInfo {
  readonly subscriberId: string;
  readonly heldBackSinceMs: number;
  readonly checkpoint: LogPosition | null;
}

export interface SubscriptionStatus {
  readonly subscriberId: string;
  readonly checkpoint: LogPosition | null;
  readonly delivered: number;
  readonly caughtUp: boolean;
  /** Failures in a row (the handler's or the store's), 0 once a batch or a poll succeeds again. */
  readonly failures: number;
  /** Milliseconds the subscriber has been held back by an open transaction, 0 when it is not. */
  readonly stalledForMs: number;
}

export interface Subscription {
  readonly subscriberId: string;
  status(): SubscriptionStatus;
  /** Resolves once the subscriber has delivered everything committed before the call. */
  caughtUp(): Promise<void>;
  stop(): Promise<void>;
}

export interface EventStore {
  readonly name: string;
  append(streamId: string, events: readonly NewEvent[], options?: AppendOptions): Promise<AppendResult>;
  /** Events of one stream from `fromVersion` (inclusive, default 1), upcast to current shapes. */
  readStream(streamId: string, options?: { fromVersion?: number }): Promise<RecordedEvent[]>;
  /** Committed events in the one global order, never skipping one that commits late. */
  readAll(options: ReadAllOptions): Promise<RecordedEvent[]>;
  /** Catches up from the durable checkpoint, then follows live. */
  subscribe(options: SubscribeOptions): Subscription;
  readonly checkpoints: CheckpointStore;
  close(): Promise<void>;
}

export class WrongExpectedVersion extends DomainError {
  readonly streamId: string;
  readonly expected: ExpectedVersion;
  readonly actual: number;

  constructor(streamId: string, expected: ExpectedVersion, actual: number) {
    super(
      'EVENTSTORE_WRONG_EXPECTED_VERSION',
      `stream ${streamId}: expected version ${String(expected)}, actual ${actual}`,
      { status: 409, details: { streamId, expected, actual } },
    );
    this.name = 'WrongExpectedVersion';
    this.streamId = streamId;
    this.expected = expected;
    this.actual = actual;
  }
}

/** Some, but not all, of the event ids were already stored: not a clean retry. */
export class PartialDuplicateAppend extends DomainError {
  constructor(streamId: string, duplicateIds: readonly string[]) {
    super('EVENTSTORE_PARTIAL_DUPLICATE', `stream ${streamId}: some events were already appended`, {
      status: 409,
      details: { streamId, duplicateIds },
    });
    this.name = 'PartialDuplicateAppend';
  }
}

export const streamCategory = (streamId: string): string => {
  const dash = streamId.indexOf('-');
  return dash < 0 ? streamId : streamId.slice(0, dash);
};
