/**
 * The event store contract: one suite every adapter passes (Postgres server, PGlite, EventStoreDB).
 * Adapters over SQL also hand in their kysely instance, which enables the gap torture (transactions
 * that commit out of order, roll back, or stay open for seconds).
 */
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inProcessChangeFeed } from './postgres/change-feed.ts';
import { createSqlEventStore } from './postgres/sql-store.ts';
import type { EventStore, ExpectedVersion, NewEvent, RecordedEvent } from './types.ts';
import { PartialDuplicateAppend, WrongExpectedVersion } from './types.ts';
import type { Upcaster } from './upcasting.ts';

export interface ContractSubject {
  readonly store: EventStore;
  /** Another store over the same database, reading with these upcasters. */
  withUpcasters(upcasters: readonly Upcaster[]): EventStore;
  /** Present for SQL adapters: enables the transaction torture. */
  readonly db?: Kysely<unknown>;
  cleanup(): Promise<void>;
}

export interface ContractFactory {
  create(): Promise<ContractSubject>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const unique = () => Math.random().toString(36).slice(2, 10);

export const newEvent = (type: string, data: unknown = {}, schemaVersion = 1): NewEvent => ({
  id: crypto.randomUUID(),
  type,
  schemaVersion,
  data,
  metadata: { occurredAt: new Date().toISOString(), actor: { id: 'contract-test', role: 'system' } },
});

const collect = (store: EventStore, subscriberId: string, categories: string[]) => {
  const seen: RecordedEvent[] = [];
  const subscription = store.subscribe({
    subscriberId,
    categories,
    batchSize: 50,
    pollIntervalMs: 100,
    handle: async (events) => {
      seen.push(...events);
    },
  });
  return { seen, subscription };
};

export const describeEventStoreContract = (name: string, factory: ContractFactory): void => {
  describe(`event store contract: ${name}`, () => {
    let subject: ContractSubject;
    let store: EventStore;

    beforeAll(async () => {
      subject = await factory.create();
      store = subject.store;
    });
    afterAll(async () => {
      await subject?.cleanup();
    });

    it('records the whole envelope and reads a stream back in order', async () => {
      const stream = `case-${unique()}`;
      const first = {
        ...newEvent('CaseRegistered', { matter: '营业执照', n: 1 }),
        metadata: {
          occurredAt: '2026-03-02T01:00:00.000Z',
          correlationId: 'corr-1',
          causationId: 'cause-1',
          actor: { id: 'case-system', role: 'integration' },
        },
      };
      const second = newEvent('CaseCompleted', { n: 2 }, 2);
      const result = await store.append(stream, [first, second], { expectedVersion: 'no_stream' });
      expect(result).toMatchObject({ nextExpectedVersion: 2, alreadyAppended: false });

      const events = await store.readStream(stream);
      expect(events.map((e) => [e.type, e.streamVersion, e.schemaVersion])).toEqual([
        ['CaseRegistered', 1, 1],
        ['CaseCompleted', 2, 2],
      ]);
      expect(events[0]).toMatchObject({ id: first.id, streamId: stream, data: { matter: '营业执照', n: 1 } });
      expect(events[0]!.metadata).toMatchObject(first.metadata);
      expect(typeof events[0]!.globalPosition).toBe('bigint');
      expect(events[1]!.globalPosition > events[0]!.globalPosition).toBe(true);
      expect(events[1]!.logPosition > events[0]!.logPosition).toBe(true);
      expect(result.lastLogPosition).toBe(events[1]!.logPosition);
      expect(Number.isNaN(Date.parse(events[0]!.recordedAt))).toBe(false);
      expect(await store.readStream(stream, { fromVersion: 2 })).toHaveLength(1);
      expect(await store.readStream(`case-${unique()}`)).toEqual([]);
    });

    it('enforces expected versions and reports expected and actual on conflict', async () => {
      const stream = `warning-${unique()}`;
      await expect(store.append(stream, [newEvent('A')], { expectedVersion: 'stream_exists' })).rejects.toBeInstanceOf(
        WrongExpectedVersion,
      );
      await store.append(stream, [newEvent('A')], { expectedVersion: 'no_stream' });
      const conflict = await store.append(stream, [newEvent('B')], { expectedVersion: 'no_stream' }).catch((e) => e);
      expect(conflict).toBeInstanceOf(WrongExpectedVersion);
      expect(conflict).toMatchObject({ streamId: stream, expected: 'no_stream', actual: 1, code: 'EVENTSTORE_WRONG_EXPECTED_VERSION' });

      await store.append(stream, [newEvent('B')], { expectedVersion: 1 });
      const stale = await store.append(stream, [newEvent('C')], { expectedVersion: 1 }).catch((e) => e);
      expect(stale).toMatchObject({ expected: 1, actual: 2 });
      await store.append(stream, [newEvent('C')], { expectedVersion: 'stream_exists' });
      await store.append(stream, [newEvent('D')], { expectedVersion: 'any' });
      expect((await store.readStream(stream)).map((e) => e.type)).toEqual(['A', 'B', 'C', 'D']);
    });

    it('treats a retried append of the same event ids as success without a second copy', async () => {
      const stream = `invitation-${unique()}`;
      const batch = [newEvent('InvitationIssued'), newEvent('InvitationSent')];
      await store.append(stream, batch, { expectedVersion: 'no_stream' });
      const retry = await store.append(stream, batch, { expectedVersion: 'no_stream' });
      expect(retry).toMatchObject({ alreadyAppended: true, nextExpectedVersion: 2 });
      const again = await store.append(stream, batch, { expectedVersion: 'any' });
      expect(again.alreadyAppended).toBe(true);
      expect(await store.readStream(stream)).toHaveLength(2);

      await expect(
        store.append(stream, [batch[0]!, newEvent('InvitationOpened')], { expectedVersion: 'any' }),
      ).rejects.toBeInstanceOf(PartialDuplicateAppend);
      expect(await store.readStream(stream)).toHaveLength(2);
    });

    it('keeps versions whole under 8 concurrent writers × 200 appends on one stream', async () => {
      const stream = `warning-${unique()}`;
      const writers = 8;
      const perWriter = 200;
      const written: string[] = [];
      const writer = async (w: number) => {
        let version = 0;
        for (let i = 0; i < perWriter; i++) {
          const event = newEvent('WarningStatusUpdated', { writer: w, i });
          for (;;) {
            try {
              const result = await store.append(stream, [event], { expectedVersion: version === 0 ? 'no_stream' : version });
              version = result.nextExpectedVersion;
              written.push(event.id);
              break;
            } catch (error) {
              if (!(error instanceof WrongExpectedVersion)) throw error;
              version = error.actual;
            }
          }
        }
      };
      await Promise.all(Array.from({ length: writers }, (_, w) => writer(w)));
      const events = await store.readStream(stream);
      expect(events).toHaveLength(writers * perWriter);
      expect(events.map((e) => e.streamVersion)).toEqual(Array.from({ length: writers * perWriter }, (_, i) => i + 1));
      expect(new Set(events.map((e) => e.id))).toEqual(new Set(written));
    });

    it('answers each caller of a burst on its own: new streams, a retry, a stale expectation, a partial duplicate, one stream twice', async () => {
      // More appends at once than a store sends in one statement: where the store groups them
      // (group commit), one broken expectation or retried id must not decide the others' answers.
      // The first burst breaks no constraint; the second holds retried ids.
      const tag = unique();
      const retried = newEvent('Retried');
      await store.append(`burst-${tag}-retried`, [retried], { expectedVersion: 'no_stream' });
      await store.append(`burst-${tag}-stale`, [newEvent('First')], { expectedVersion: 'no_stream' });
      const fresh = Array.from({ length: 36 }, (_, i) => `burst-${tag}-fresh${i}`);
      const appendFresh = (stream: string, i: number) =>
        store.append(stream, [newEvent('Fresh', { i }), newEvent('Fresh', { i, second: true })], { expectedVersion: 'no_stream' });
      const first = await Promise.allSettled([
        ...fresh.slice(0, 18).map((stream, i) => appendFresh(stream, i)),
        store.append(`burst-${tag}-stale`, [newEvent('Second')], { expectedVersion: 'no_stream' }),
        store.append(`burst-${tag}-twice`, [newEvent('One')], { expectedVersion: 'any' }),
        store.append(`burst-${tag}-twice`, [newEvent('Two')], { expectedVersion: 'any' }),
      ]);
      const second = await Promise.allSettled([
        ...fresh.slice(18).map((stream, i) => appendFresh(stream, 18 + i)),
        store.append(`burst-${tag}-retried`, [retried], { expectedVersion: 'no_stream' }),
        store.append(`burst-${tag}-retried`, [retried, newEvent('Extra')], { expectedVersion: 'any' }),
      ]);
      const versions = (outcomes: PromiseSettledResult<{ nextExpectedVersion: number }>[]) =>
        outcomes.map((o) => (o.status === 'fulfilled' ? o.value.nextExpectedVersion : null));
      expect(versions([...first.slice(0, 18), ...second.slice(0, 18)])).toEqual(fresh.map(() => 2));
      const [stale, twiceA, twiceB] = first.slice(18);
      const [retry, partial] = second.slice(18);
      expect(stale).toMatchObject({ status: 'rejected', reason: { expected: 'no_stream', actual: 1 } });
      expect(stale!.status === 'rejected' && stale!.reason).toBeInstanceOf(WrongExpectedVersion);
      expect(versions([twiceA!, twiceB!]).sort()).toEqual([1, 2]);
      expect(retry).toMatchObject({ status: 'fulfilled', value: { alreadyAppended: true, nextExpectedVersion: 1 } });
      expect(partial!.status === 'rejected' && partial!.reason).toBeInstanceOf(PartialDuplicateAppend);

      // Reads in a burst as well: each caller its own stream, from its own version.
      const reads = await Promise.all([
        ...fresh.map((stream) => store.readStream(stream)),
        store.readStream(fresh[0]!, { fromVersion: 2 }),
        store.readStream(`burst-${tag}-retried`),
        store.readStream(`burst-${tag}-twice`),
        store.readStream(`burst-${tag}-none`),
      ]);
      expect(reads.slice(0, fresh.length).map((events) => events.map((e) => [e.streamId, e.streamVersion, (e.data as { i: number }).i]))).toEqual(
        fresh.map((stream, i) => [
          [stream, 1, i],
          [stream, 2, i],
        ]),
      );
      const [fromTwo, retriedStream, twice, none] = reads.slice(fresh.length);
      expect(fromTwo!.map((e) => [e.streamVersion, e.data])).toEqual([[2, { i: 0, second: true }]]);
      expect(retriedStream!.map((e) => e.id)).toEqual([retried.id]);
      expect(twice!.map((e) => e.type).sort()).toEqual(['One', 'Two']);
      expect(none).toEqual([]);
    });

    it('answers each caller of a burst of one-event appends to streams of their own (rating submissions), every expectation kind', async () => {
      // The shape a SQL store sends as one INSERT when it groups appends: one event each, no stream twice.
      const tag = unique();
      const named = (name: string) => `single-${tag}-${name}`;
      const issued = Array.from({ length: 16 }, (_, i) => named(`issued${i}`));
      await Promise.all(
        [...issued, named('exists'), named('any'), named('taken')].map((stream, i) =>
          store.append(stream, [newEvent('Issued', { i })], { expectedVersion: 'no_stream' }),
        ),
      );
      const accepted: [string, ExpectedVersion][] = [
        ...issued.map((stream): [string, ExpectedVersion] => [stream, 1]),
        ...Array.from({ length: 8 }, (_, i): [string, ExpectedVersion] => [named(`new${i}`), 'no_stream']),
        [named('exists'), 'stream_exists'],
        [named('any'), 'any'],
      ];
      const refused: [string, ExpectedVersion][] = [
        [named('taken'), 'no_stream'],
        [named('missing'), 'stream_exists'],
      ];
      const outcomes = await Promise.allSettled(
        [...accepted, ...refused].map(([stream, expectedVersion], i) => store.append(stream, [newEvent('Rated', { i })], { expectedVersion })),
      );
      const answers = outcomes.splice(0, accepted.length);
      expect(answers.map((o) => (o.status === 'fulfilled' ? o.value.nextExpectedVersion : o.reason))).toEqual([
        ...issued.map(() => 2),
        ...Array.from({ length: 8 }, () => 1),
        2,
        2,
      ]);
      expect(outcomes).toMatchObject([
        { status: 'rejected', reason: { expected: 'no_stream', actual: 1 } },
        { status: 'rejected', reason: { expected: 'stream_exists', actual: 0 } },
      ]);
      // Each caller is told the position of its own event.
      const written = await Promise.all(accepted.map(([stream]) => store.readStream(stream)));
      expect(answers.map((o) => o.status === 'fulfilled' && o.value.lastLogPosition)).toEqual(written.map((events) => events.at(-1)!.logPosition));
      expect(written.map((events) => events.at(-1)!.data)).toEqual(accepted.map((_, i) => ({ i })));

      // The same streams again, every other one with a stale expectation.
      const again = await Promise.allSettled(
        issued.map((stream, i) => store.append(stream, [newEvent('Again', { i })], { expectedVersion: i % 2 === 0 ? 2 : 1 })),
      );
      again.forEach((outcome, i) => {
        if (i % 2 === 0) expect(outcome).toMatchObject({ status: 'fulfilled', value: { nextExpectedVersion: 3, alreadyAppended: false } });
        else expect(outcome.status === 'rejected' && outcome.reason).toMatchObject({ expected: 1, actual: 2 });
      });
      const streams = await Promise.all(issued.map((stream) => store.readStream(stream)));
      expect(streams.map((events) => events.map((e) => [e.streamVersion, e.type, (e.data as { i: number }).i]))).toEqual(
        issued.map((_, i) => [[1, 'Issued', i], [2, 'Rated', i], ...(i % 2 === 0 ? [[3, 'Again', i]] : [])]),
      );
      expect(await store.readStream(named('taken'))).toHaveLength(1);
      expect(await store.readStream(named('missing'))).toEqual([]);
    });

    it('reads all streams in one global order, filtered by category', async () => {
      const category = `cat${unique()}`;
      const other = `oth${unique()}`;
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const event = newEvent('Tick', { i });
        ids.push(event.id);
        await store.append(`${category}-${i % 2}`, [event]);
        await store.append(`${other}-x`, [newEvent('Noise')]);
      }
      const page1 = await store.readAll({ limit: 3, categories: [category] });
      const page2 = await store.readAll({ after: page1.at(-1)!.logPosition, limit: 10, categories: [category] });
      expect([...page1, ...page2].map((e) => e.id)).toEqual(ids);
      const everything = await store.readAll({ after: null, limit: 100_000 });
      const positions = everything.map((e) => e.logPosition);
      expect([...positions].sort()).toEqual(positions);
    });

    it('subscribes: catches up, follows live, and resumes from its durable checkpoint after a crash', async () => {
      const category = `sub${unique()}`;
      const before = Array.from({ length: 120 }, (_, i) => newEvent('Before', { i }));
      for (const event of before) await store.append(`${category}-a`, [event]);

      // First run: crashes (stops abruptly) in the middle of its third batch.
      const firstRun: string[] = [];
      let batches = 0;
      const crashing = store.subscribe({
        subscriberId: `${category}-projector`,
        categories: [category],
        batchSize: 50,
        pollIntervalMs: 50,
        onError: () => {},
        handle: async (events) => {
          batches++;
          if (batches === 3) throw new Error('simulated crash');
          firstRun.push(...events.map((e) => e.id));
        },
      });
      while (batches < 3) await sleep(10);
      await crashing.stop();
      expect(firstRun).toEqual(before.slice(0, 100).map((e) => e.id));
      const saved = await store.checkpoints.load(`${category}-projector`);
      const afterCrash = (await store.readStream(`${category}-a`))[99]!;
      expect(saved).toBe(afterCrash.logPosition);

      // Second run resumes exactly after the checkpoint, then follows live appends.
      const { seen, subscription } = collect(store, `${category}-projector`, [category]);
      const live = Array.from({ length: 30 }, (_, i) => newEvent('Live', { i }));
      await subscription.caughtUp();
      for (const event of live) await store.append(`${category}-b`, [event]);
      await subscription.caughtUp();
      await subscription.stop();
      expect(seen.map((e) => e.id)).toEqual([...before.slice(100), ...live].map((e) => e.id));
      expect(subscription.status().delivered).toBe(50);
    });

    it('applies upcasters on read, leaving the stored event as it was', async () => {
      const upcasters: Upcaster[] = [
        { type: 'EvaluationSubmitted', fromVersion: 1, upcast: (data) => ({ ...(data as object), channel: 'sms' }) },
        {
          type: 'EvaluationSubmitted',
          fromVersion: 2,
          upcast: (data) => {
            const { level, ...rest } = data as { level: number };
            return { ...rest, overall: level };
          },
        },
      ];
      const upcasting = subject.withUpcasters(upcasters);
      try {
        const stream = `invitation-${unique()}`;
        await upcasting.append(stream, [newEvent('EvaluationSubmitted', { level: 2 }, 1)]);
        await upcasting.append(stream, [newEvent('EvaluationSubmitted', { channel: 'qr_static', level: 5 }, 2)]);
        const [v1, v2] = await upcasting.readStream(stream);
        expect(v1).toMatchObject({ schemaVersion: 3, data: { channel: 'sms', overall: 2 } });
        expect(v2).toMatchObject({ schemaVersion: 3, data: { channel: 'qr_static', overall: 5 } });
        const [raw] = await store.readStream(stream);
        expect(raw).toMatchObject({ schemaVersion: 1, data: { level: 2 } });
        const all = await upcasting.readAll({ limit: 10, categories: ['invitation'], after: v1!.logPosition });
        expect(all.find((e) => e.id === v2!.id)?.data).toEqual({ channel: 'qr_static', overall: 5 });
      } finally {
        await upcasting.close();
      }
    });

    it('gap torture: 16 writers, random commit delays, 5% rollbacks, one transaction open for seconds', async (ctx) => {
      if (!subject.db) {
        console.warn(`[skip] gap torture on ${name}: the adapter has no SQL transactions to torture`);
        ctx.skip();
        return;
      }
      const db = subject.db;
      const category = `gap${unique()}`;
      const { seen, subscription } = collect(store, `${category}-reader`, [category]);
      const committed: string[] = [];
      const writeInTransaction = async (streamId: string, event: NewEvent, delayMs: number, rollback: boolean) => {
        await db
          .transaction()
          .execute(async (trx) => {
            const inTx = createSqlEventStore({ name: 'tx', db: trx, feed: inProcessChangeFeed() });
            await inTx.append(streamId, [event]);
            await sleep(delayMs);
            if (rollback) throw new Error('rollback');
          })
          .then(
            () => committed.push(event.id),
            (error: Error) => {
              if (error.message !== 'rollback') throw error;
            },
          );
      };
      let random = 42;
      const next = () => (random = (random * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;

      const held = writeInTransaction(`${category}-held`, newEvent('Held'), 3_000, false);
      const writers = Array.from({ length: 16 }, async (_, w) => {
        for (let i = 0; i < 25; i++) {
          await writeInTransaction(`${category}-w${w}`, newEvent('Torture', { w, i }), Math.floor(next() * 15), next() < 0.05);
        }
      });
      await Promise.all([held, ...writers]);
      await store.append(`${category}-end`, [newEvent('End')]).then((r) => r);
      committed.push((await store.readStream(`${category}-end`))[0]!.id);
      await subscription.caughtUp();
      await subscription.stop();

      const delivered = seen.map((e) => e.id);
      expect(new Set(delivered).size).toBe(delivered.length);
      expect(new Set(delivered)).toEqual(new Set(committed));
      const positions = seen.map((e) => e.logPosition);
      expect([...positions].sort()).toEqual(positions);
      const final = await store.readAll({ limit: 100_000, categories: [category] });
      expect(final.map((e) => e.id)).toEqual(delivered);
    });
  });
};
