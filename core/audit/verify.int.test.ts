import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase, createTestPglite } from '../../tests/support/databases.ts';
import { needs, testEnv } from '../../tests/support/env.ts';
import { createPgPool, postgresKysely } from '../db/postgres.ts';
import { createPgEventStore } from '../eventstore/pg.ts';
import { createPgliteEventStore } from '../eventstore/pglite.ts';
import type { GroupCommitReport } from '../eventstore/instrumented.ts';
import type { EventStore, NewEvent } from '../eventstore/types.ts';
import { checkAnchor, describeAnchorBreak, parseAnchor, writeAnchor } from './anchor.ts';
import { verifyEventChain } from './verify.ts';

interface Harness {
  store: EventStore;
  db: Kysely<unknown>;
  /** What the store reported of its group-commit statements. */
  groupCommits: GroupCommitReport[];
  cleanup(): Promise<void>;
}

const event = (n: number): NewEvent => ({
  id: randomUUID(),
  type: 'RatingSubmitted',
  schemaVersion: 1,
  data: { score: n, note: `第${n}条评价`, nested: { b: 2, a: [1, 'x'] } },
  metadata: { occurredAt: new Date(Date.UTC(2026, 10, 1, 8, n)).toISOString(), correlationId: `c-${n}` },
});

/** Three streams: rating-a (5 events, two batches), rating-b (3), rating-c (1). */
const seed = async (store: EventStore) => {
  await store.append('rating-a', [event(1), event(2)]);
  await store.append('rating-b', [event(1)]);
  await store.append('rating-a', [event(3), event(4), event(5)]);
  await store.append('rating-b', [event(2), event(3)]);
  await store.append('rating-c', [event(1)]);
};

const positionOf = async (db: Kysely<unknown>, stream: string, version: number) =>
  (
    await sql<{ global_position: string; event_id: string }>`
      select global_position::text as global_position, event_id::text as event_id
        from eventstore.events where stream_id = ${stream} and stream_version = ${version}::int`.execute(db)
  ).rows[0]!;

const tamperingSuite = (name: string, create: () => Promise<Harness>) => {
  describe(`hash chain on ${name}`, () => {
    let harness: Harness | undefined;
    afterEach(async () => {
      await harness?.cleanup();
      harness = undefined;
    });
    const ready = async () => {
      harness = await create();
      await seed(harness.store);
      return harness;
    };

    it('verifies an untouched store and each stream', async () => {
      const { db } = await ready();
      expect(await verifyEventChain(db)).toEqual({ ok: true, streams: 3, events: 9, firstBreak: null });
      expect(await verifyEventChain(db, { streamId: 'rating-b' })).toMatchObject({ ok: true, streams: 1, events: 3 });
    });

    it('keeps every chain whole when a burst of appends to the same streams shares statements (group commit)', async () => {
      harness = await create();
      const { store, db } = harness;
      await Promise.all(
        Array.from({ length: 48 }, (_, n) => store.append(`rating-${'abc'[n % 3]}`, n % 4 === 0 ? [event(n), event(n + 100)] : [event(n)])),
      );
      expect(await verifyEventChain(db)).toEqual({ ok: true, streams: 3, events: 60, firstBreak: null });
    });

    it('keeps every chain whole when one-event appends to streams of their own share one INSERT (rating submissions)', async () => {
      const { store, db, groupCommits } = await ready();
      const streams = ['rating-a', 'rating-b', 'rating-c', ...Array.from({ length: 21 }, (_, n) => `rating-new${n}`)];
      for (const round of [1, 2]) {
        await Promise.all(streams.map((stream, n) => store.append(stream, [event(round * 100 + n)])));
      }
      // Grouped, and none redone append by append: the hashes below are the one INSERT's.
      expect(groupCommits.filter((report) => report.outcome === 'together').length).toBeGreaterThan(0);
      expect(groupCommits.filter((report) => report.outcome === 'redone')).toEqual([]);
      expect(Math.max(...groupCommits.map((report) => report.appends))).toBeGreaterThanOrEqual(2);
      expect(await verifyEventChain(db)).toEqual({ ok: true, streams: 24, events: 9 + 48, firstBreak: null });
    });

    it('names an edited payload', async () => {
      const { db } = await ready();
      const target = await positionOf(db, 'rating-a', 3);
      await sql`update eventstore.events set data = jsonb_set(data, '{score}', '5') where event_id = ${target.event_id}::uuid`.execute(db);
      const report = await verifyEventChain(db);
      expect(report.ok).toBe(false);
      expect(report.firstBreak).toMatchObject({
        kind: 'edited',
        streamId: 'rating-a',
        streamVersion: 3,
        globalPosition: target.global_position,
        eventId: target.event_id,
      });
      // Other streams are intact.
      expect((await verifyEventChain(db, { streamId: 'rating-b' })).ok).toBe(true);
    });

    it('names an edit even when the forger recomputed that event’s own hash', async () => {
      const { db } = await ready();
      const edited = await positionOf(db, 'rating-a', 2);
      await sql`update eventstore.events set data = '{"score":0}', event_hash = sha256(event_hash) where event_id = ${edited.event_id}::uuid`.execute(db);
      const report = await verifyEventChain(db);
      expect(report.firstBreak).toMatchObject({ kind: 'edited', streamId: 'rating-a', streamVersion: 2 });
    });

    it('an anchor still matches after later appends, and sees the last event of a stream removed, which the chain cannot', async () => {
      const { db, store } = await ready();
      const anchor = parseAnchor(JSON.parse(JSON.stringify(await writeAnchor(db, { now: new Date(), segment: 4 }))));
      expect(anchor).toMatchObject({ events: 9, segments: [{ events: 4 }, { events: 4 }, { events: 1 }] });
      await store.append('rating-c', [event(2)]);
      expect(await checkAnchor(db, anchor)).toMatchObject({ ok: true, eventsThen: 9, eventsNow: 9, firstBreak: null });

      const tail = await positionOf(db, 'rating-a', 5);
      await sql`delete from eventstore.events where stream_id = 'rating-a' and stream_version = 5`.execute(db);
      expect((await verifyEventChain(db)).ok).toBe(true);
      const check = await checkAnchor(db, anchor);
      expect(check).toMatchObject({ ok: false, eventsThen: 9, eventsNow: 8 });
      expect(check.firstBreak!.eventsThen - check.firstBreak!.eventsNow).toBe(1);
      expect(BigInt(check.firstBreak!.upTo.globalPosition)).toBeGreaterThanOrEqual(BigInt(tail.global_position));
      expect(check.firstBreak!.from === null || BigInt(check.firstBreak!.from.globalPosition) < BigInt(tail.global_position)).toBe(true);
      expect(describeAnchorBreak(check.firstBreak!)).toMatch(/1 removed/);
    });

    it('names the event after a deleted one', async () => {
      const { db } = await ready();
      await sql`delete from eventstore.events where stream_id = 'rating-b' and stream_version = 2`.execute(db);
      const next = await positionOf(db, 'rating-b', 3);
      const report = await verifyEventChain(db);
      expect(report.firstBreak).toMatchObject({
        kind: 'missing',
        streamId: 'rating-b',
        streamVersion: 3,
        globalPosition: next.global_position,
        eventId: next.event_id,
      });
      expect(report.events).toBe(5 + 1); // rating-a intact, rating-b version 1 intact
    });

    it('names two swapped events as out of order', async () => {
      const { db } = await ready();
      const second = await positionOf(db, 'rating-a', 2);
      const third = await positionOf(db, 'rating-a', 3);
      // Swap versions 2 and 3 (through a spare number: the (stream, version) key is not deferrable).
      await sql`update eventstore.events set stream_version = 1000 where stream_id = 'rating-a' and stream_version = 2`.execute(db);
      await sql`update eventstore.events set stream_version = 2 where stream_id = 'rating-a' and stream_version = 3`.execute(db);
      await sql`update eventstore.events set stream_version = 3 where stream_id = 'rating-a' and stream_version = 1000`.execute(db);
      const report = await verifyEventChain(db);
      expect(report.firstBreak).toMatchObject({
        kind: 'out_of_order',
        streamId: 'rating-a',
        streamVersion: 2,
        globalPosition: third.global_position,
        eventId: third.event_id,
      });
      expect(BigInt(second.global_position)).toBeLessThan(BigInt(third.global_position));
    });
  });
};

tamperingSuite('PGlite (embedded)', async () => {
  const { pglite, db } = await createTestPglite();
  const groupCommits: GroupCommitReport[] = [];
  const store = createPgliteEventStore({ pglite, db, onGroupCommit: (report) => groupCommits.push(report) });
  return {
    store,
    db,
    groupCommits,
    async cleanup() {
      await store.close();
      await pglite.close();
    },
  };
});

describe.runIf(needs('hash chain on a Postgres server', 'PINGGAI_TEST_PG_URL'))('Postgres server', () => {
  tamperingSuite('Postgres server', async () => {
    const database = await createTestDatabase(testEnv('PINGGAI_TEST_PG_URL')!, 'pinggai_audit');
    const groupCommits: GroupCommitReport[] = [];
    const store = createPgEventStore({ connectionString: database.url, poolSize: 2, onGroupCommit: (report) => groupCommits.push(report) });
    const db = postgresKysely<unknown>(createPgPool({ connectionString: database.url, max: 2 }));
    return {
      store,
      db,
      groupCommits,
      async cleanup() {
        await store.close();
        await db.destroy();
        await database.drop();
      },
    };
  });
});
