import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPglite } from '../../tests/support/databases.ts';
import { createPgliteEventStore } from '../eventstore/pglite.ts';
import type { EventStore } from '../eventstore/types.ts';
import { DomainError } from '../shared/errors.ts';
import type { Decider } from './decider.ts';
import { assertNever } from './decider.ts';
import { deriveEventId, handleCommand } from './command-handler.ts';

// A tally small enough to read at a glance: it exists to exercise the handling cycle.
type TallyCommand = { type: 'Add'; amount: number } | { type: 'AddEach'; amounts: number[] } | { type: 'Close' };
type TallyEvent = { type: 'Added'; data: { amount: number } } | { type: 'Closed'; data: Record<string, never> };
type TallyState = { total: number; closed: boolean };

const tally: Decider<TallyCommand, TallyEvent, TallyState> = {
  initialState: { total: 0, closed: false },
  schemaVersions: { Added: 1, Closed: 1 },
  decide(command, state) {
    if (state.closed) throw new DomainError('TALLY_CLOSED', 'closed');
    switch (command.type) {
      case 'Add':
        return [{ type: 'Added', data: { amount: command.amount } }];
      case 'AddEach':
        return command.amounts.map((amount) => ({ type: 'Added', data: { amount } }) as const);
      case 'Close':
        return [{ type: 'Closed', data: {} }];
      default:
        return assertNever(command);
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case 'Added':
        return { ...state, total: state.total + event.data.amount };
      case 'Closed':
        return { ...state, closed: true };
      default:
        return assertNever(event);
    }
  },
};

const context = (commandId: string) => ({
  commandId,
  actor: { id: 'officer-1', role: 'dispatcher', department: 'zsj' },
  now: new Date('2026-05-09T02:00:00Z'),
});

describe('handleCommand on the embedded store', () => {
  let store: EventStore;
  let close: () => Promise<void>;
  beforeAll(async () => {
    const { pglite, db } = await createTestPglite();
    store = createPgliteEventStore({ pglite, db });
    close = async () => {
      await store.close();
      await pglite.close();
    };
  });
  afterAll(async () => close());

  it('decides on the folded stream and appends with metadata from the context', async () => {
    const result = await handleCommand(store, 'tally-a', tally, { type: 'Add', amount: 3 }, context('cmd-1'));
    expect(result).toMatchObject({ state: { total: 3 }, alreadyHandled: false, streamVersion: 1 });
    const [event] = await store.readStream('tally-a');
    expect(event).toMatchObject({
      id: await deriveEventId('cmd-1', 'tally-a', 0),
      type: 'Added',
      schemaVersion: 1,
      metadata: { commandId: 'cmd-1', actor: { id: 'officer-1' }, occurredAt: '2026-05-09T02:00:00.000Z', correlationId: 'cmd-1' },
    });
  });

  it('does not apply a retried command twice', async () => {
    await handleCommand(store, 'tally-b', tally, { type: 'Add', amount: 5 }, context('cmd-2'));
    const retry = await handleCommand(store, 'tally-b', tally, { type: 'Add', amount: 5 }, context('cmd-2'));
    expect(retry).toMatchObject({ alreadyHandled: true, state: { total: 5 }, appended: [] });
    expect(await store.readStream('tally-b')).toHaveLength(1);
  });

  it('refuses a command id sent again with a different request, and still answers the same request from the record', async () => {
    const asSent = (fingerprint: string) => ({ ...context('key-1'), requestFingerprint: fingerprint });
    const first = await handleCommand(store, 'tally-f', tally, { type: 'Add', amount: 5 }, asSent('request-a'));
    expect(first.appended[0]!.metadata).toMatchObject({ commandId: 'key-1', requestFingerprint: 'request-a' });
    const changed = handleCommand(store, 'tally-f', tally, { type: 'Add', amount: 7 }, asSent('request-b'));
    await expect(changed).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', status: 422, issues: [{ field: 'header.idempotency-key' }] });
    expect(await handleCommand(store, 'tally-f', tally, { type: 'Add', amount: 5 }, asSent('request-a'))).toMatchObject({ alreadyHandled: true, state: { total: 5 } });
    // Recorded before fingerprints were kept (or by a caller without one): a retry is answered as before.
    await handleCommand(store, 'tally-g', tally, { type: 'Add', amount: 1 }, context('key-2'));
    expect(await handleCommand(store, 'tally-g', tally, { type: 'Add', amount: 1 }, { ...context('key-2'), requestFingerprint: 'request-c' })).toMatchObject({ alreadyHandled: true });
    expect((await store.readStream('tally-f')).map((event) => event.data)).toEqual([{ amount: 5 }]);
  });

  it('judges a request that raced another under the same key once the other has landed: refused if it differs, answered from the record if not', async () => {
    const asSent = (fingerprint: string) => ({ ...context('key-3'), requestFingerprint: fingerprint });
    // Each late request decided on the stream as it was before the first one landed (`read: []`), as
    // a request running alongside it would; its append then meets the first request's events.
    const late = { read: [] };
    await handleCommand(store, 'tally-h', tally, { type: 'AddEach', amounts: [1, 2] }, asSent('request-a'));
    const refused = { code: 'IDEMPOTENCY_KEY_REUSED', status: 422 };
    // Another request under that key, whether it decided more events, fewer or as many (the store
    // meets the same event ids; with more, some of its ids are new): refused, not a 409 and not applied.
    await expect(handleCommand(store, 'tally-h', tally, { type: 'AddEach', amounts: [3, 4, 5] }, asSent('request-b'), late)).rejects.toMatchObject(refused);
    await expect(handleCommand(store, 'tally-h', tally, { type: 'AddEach', amounts: [3] }, asSent('request-b'), late)).rejects.toMatchObject(refused);
    await expect(handleCommand(store, 'tally-h', tally, { type: 'AddEach', amounts: [4, 5] }, asSent('request-b'), late)).rejects.toMatchObject(refused);
    // The same request, however many events it decided on the state it read: answered as handled.
    for (const amounts of [[1, 2, 9], [1], [1, 2]]) {
      expect(await handleCommand(store, 'tally-h', tally, { type: 'AddEach', amounts }, asSent('request-a'), late)).toMatchObject({ alreadyHandled: true, appended: [] });
    }
    expect((await store.readStream('tally-h')).map((event) => event.data)).toEqual([{ amount: 1 }, { amount: 2 }]);
  });

  it('re-decides on the latest state when writers race, so every command lands exactly once', async () => {
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => handleCommand(store, 'tally-c', tally, { type: 'Add', amount: 1 }, context(`race-${i}`), { maxAttempts: 50 })),
    );
    const events = await store.readStream('tally-c');
    expect(events).toHaveLength(20);
    expect(events.map((e) => e.streamVersion)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it('passes a refusal through untouched and appends nothing', async () => {
    await handleCommand(store, 'tally-d', tally, { type: 'Close' }, context('close'));
    await expect(handleCommand(store, 'tally-d', tally, { type: 'Add', amount: 1 }, context('late'))).rejects.toMatchObject({
      code: 'TALLY_CLOSED',
    });
    expect(await store.readStream('tally-d')).toHaveLength(1);
  });

  it('decides on events the caller has just read, and reads afresh when they have gone stale', async () => {
    await handleCommand(store, 'tally-e', tally, { type: 'Add', amount: 2 }, context('first'));
    const read = await store.readStream('tally-e');
    let reads = 0;
    const counted: EventStore = {
      ...store,
      readStream: async (...args) => {
        reads++;
        return store.readStream(...args);
      },
    };

    // Fresh: no second read, and the decision is appended after the events handed in.
    const fresh = await handleCommand(counted, 'tally-e', tally, { type: 'Add', amount: 3 }, context('second'), { read });
    expect(reads).toBe(0);
    expect(fresh).toMatchObject({ state: { total: 5 }, streamVersion: 2 });

    // Stale (the stream moved on since `read`): the append is refused, the retry reads and decides on the latest.
    await handleCommand(store, 'tally-e', tally, { type: 'Close' }, context('close-e'));
    await expect(handleCommand(counted, 'tally-e', tally, { type: 'Add', amount: 4 }, context('third'), { read })).rejects.toMatchObject({ code: 'TALLY_CLOSED' });
    expect(reads).toBe(1);
    expect((await store.readStream('tally-e')).map((event) => event.type)).toEqual(['Added', 'Added', 'Closed']);

    // Only the whole stream will do: another stream's events, or a tail, are refused before anything is decided.
    await expect(handleCommand(counted, 'tally-a', tally, { type: 'Add', amount: 1 }, context('wrong-stream'), { read })).rejects.toThrow(/whole stream tally-a/);
    await expect(handleCommand(counted, 'tally-e', tally, { type: 'Add', amount: 1 }, context('tail'), { read: (await store.readStream('tally-e')).slice(1) })).rejects.toThrow(/whole stream tally-e/);
    expect(reads).toBe(1);
  });
});
