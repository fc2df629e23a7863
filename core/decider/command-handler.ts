import type { Actor, EventStore, NewEvent, RecordedEvent } from '../eventstore/types.ts';
import { PartialDuplicateAppend, WrongExpectedVersion } from '../eventstore/types.ts';
import type { Decider, DomainEvent } from './decider.ts';
import { fold } from './decider.ts';
import { bytesToHex, sha256Bytes } from '../pii/encoding.ts';
import { ValidationFailed } from '../http/field-errors.ts';

export interface CommandContext {
  /** Idempotency key of the command: a retried command with the same id is not applied twice. */
  readonly commandId: string;
  /**
   * What the request that carried `commandId` said (a hash of its method, path and body), for
   * commands whose id is a client's Idempotency-Key: the same key sent again with a different
   * request is refused (422) instead of being answered with the first request's result.
   */
  readonly requestFingerprint?: string;
  readonly actor: Actor;
  /** The moment the command is decided at, from the injected clock. */
  readonly now: Date;
  readonly correlationId?: string;
  readonly causationId?: string;
  readonly traceparent?: string;
}

/** A command's identity as a caller hands it on (the id, and the request's fingerprint when there is one). */
export type CommandRef = Pick<CommandContext, 'commandId' | 'requestFingerprint'>;

/** The IETF Idempotency-Key draft's answer to a key reused for a different request: 422, naming the header. */
export const idempotencyKeyReused = (): ValidationFailed =>
  new ValidationFailed(
    [
      {
        field: 'header.idempotency-key',
        message: {
          'zh-CN': '该 Idempotency-Key 已用于另一个不同的请求:请为新操作使用新的键',
          en: 'This Idempotency-Key was already used for a different request: use a new key for a new action',
        },
      },
    ],
    { status: 422, code: 'IDEMPOTENCY_KEY_REUSED' },
  );

/**
 * Refuses a retry whose request differs from the one first recorded under the same command id in
 * this stream. The key is looked for where the request acts (its warning, account, period): the
 * same key sent to another stream is not found there and acts as a new command.
 */
const assertSameRequest = (recorded: readonly RecordedEvent[], context: CommandContext): void => {
  if (context.requestFingerprint === undefined) return;
  const earlier = recorded.find((event) => event.metadata.commandId === context.commandId);
  const fingerprint = earlier?.metadata['requestFingerprint'];
  if (typeof fingerprint === 'string' && fingerprint !== context.requestFingerprint) throw idempotencyKeyReused();
};

/** An event this call appended, with its place in the stream (no second read needed to know it). */
export interface AppendedEvent<Type extends string = string, Data = unknown> extends NewEvent<Type, Data> {
  readonly streamId: string;
  readonly streamVersion: number;
}

export interface CommandResult<Event extends DomainEvent, State> {
  readonly state: State;
  /** Events appended by this call (empty when nothing changed or the command was already handled). */
  readonly appended: readonly AppendedEvent<Event['type'], Event['data']>[];
  readonly alreadyHandled: boolean;
  readonly streamVersion: number;
}

/**
 * Reads the stream, folds it, decides, and appends with the expected version. On a concurrent
 * write it re-reads and decides again (bounded), so the decider always judges the latest state.
 * Event ids are derived from the command id, and a command already present in the stream is not
 * decided again: retries (HTTP, Temporal activities) are safe. A command that carries its request's
 * fingerprint is compared with the one recorded: the same id with a different request is refused.
 *
 * `options.read` hands in the whole stream as the caller has just read it (a caller that had to
 * read it before deciding to send the command at all): the first attempt decides on those events
 * without a second round trip. The append still carries the expected version, so a write made since
 * is refused and the retry reads the stream afresh. As with any read, a refusal or an empty decision
 * is answered from the state that was read.
 */
export const handleCommand = async <Command, Event extends DomainEvent, State>(
  store: EventStore,
  streamId: string,
  decider: Decider<Command, Event, State>,
  command: Command,
  context: CommandContext,
  options: { maxAttempts?: number; read?: readonly RecordedEvent[] } = {},
): Promise<CommandResult<Event, State>> => {
  const maxAttempts = options.maxAttempts ?? 5;
  if (options.read && !options.read.every((event, index) => event.streamId === streamId && event.streamVersion === index + 1)) {
    throw new Error(`options.read must be the whole stream ${streamId}, from version 1`);
  }
  for (let attempt = 1; ; attempt++) {
    const recorded = attempt === 1 && options.read ? options.read : await store.readStream(streamId);
    const state = fold(decider, recorded as unknown as Event[]);
    const version = recorded.length === 0 ? 0 : recorded[recorded.length - 1]!.streamVersion;
    if (recorded.some((event) => event.metadata.commandId === context.commandId)) {
      assertSameRequest(recorded, context);
      return { state, appended: [], alreadyHandled: true, streamVersion: version };
    }
    const decided = decider.decide(command, state);
    if (decided.length === 0) return { state, appended: [], alreadyHandled: false, streamVersion: version };

    const ids = await Promise.all(decided.map((_, index) => deriveEventId(context.commandId, streamId, index)));
    const newEvents = decided.map((event, index) => ({
      id: ids[index]!,
      type: event.type,
      schemaVersion: decider.schemaVersions[event.type as Event['type']],
      data: event.data,
      metadata: {
        commandId: context.commandId,
        ...(context.requestFingerprint ? { requestFingerprint: context.requestFingerprint } : {}),
        actor: context.actor,
        occurredAt: context.now.toISOString(),
        correlationId: context.correlationId ?? context.commandId,
        ...(context.causationId ? { causationId: context.causationId } : {}),
        ...(context.traceparent ? { traceparent: context.traceparent } : {}),
      },
    }));
    try {
      const result = await store.append(streamId, newEvents, {
        expectedVersion: version === 0 ? 'no_stream' : version,
      });
      if (result.alreadyAppended) {
        // Appended meanwhile under the same ids, by a concurrent request with the same command id.
        if (context.requestFingerprint !== undefined) assertSameRequest(await store.readStream(streamId), context);
        return { state: decided.reduce(decider.evolve, state), appended: [], alreadyHandled: true, streamVersion: result.nextExpectedVersion };
      }
      const appended = newEvents.map((event, index) => ({ ...event, streamId, streamVersion: version + index + 1 })) as AppendedEvent<
        Event['type'],
        Event['data']
      >[];
      return {
        state: decided.reduce(decider.evolve, state),
        appended,
        alreadyHandled: result.alreadyAppended,
        streamVersion: result.nextExpectedVersion,
      };
    } catch (error) {
      // A concurrent write, or a concurrent request under the same command id that decided other
      // events (PartialDuplicateAppend): read again, and judge the command against what is there.
      if ((error instanceof WrongExpectedVersion || error instanceof PartialDuplicateAppend) && attempt < maxAttempts) continue;
      throw error;
    }
  }
};

/** A UUID (RFC 9562 version 8, name-based on SHA-256) for the index-th event of a command. */
export const deriveEventId = async (commandId: string, streamId: string, index: number): Promise<string> => {
  const bytes = sha256Bytes(`${streamId}\u0000${commandId}\u0000${index}`).slice(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x80;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytesToHex(bytes);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};
