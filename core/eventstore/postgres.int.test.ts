import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { describe, expect, it, vi } from 'vitest';
import { createPgPool, postgresKysely } from '../db/postgres.ts';
import { createTestDatabase } from '../../tests/support/databases.ts';
import { needs, testEnv } from '../../tests/support/env.ts';
import { describeEventStoreContract } from './contract.ts';
import { createPgEventStore, preparedOn } from './pg.ts';
import { inProcessChangeFeed } from './postgres/change-feed.ts';
import { createSqlEventStore } from './postgres/sql-store.ts';
import type { Subscription } from './types.ts';

describe.runIf(needs('event store contract on a Postgres server', 'PINGGAI_TEST_PG_URL'))('Postgres server', () => {
  describeEventStoreContract('Postgres server (pg)', {
    async create() {
      const database = await createTestDatabase(testEnv('PINGGAI_TEST_PG_URL')!, 'pinggai_contract');
      const store = createPgEventStore({ connectionString: database.url, poolSize: 24 });
      const db = postgresKysely<unknown>(createPgPool({ connectionString: database.url, max: 24 }));
      return {
        store,
        db,
        withUpcasters: (upcasters) => createPgEventStore({ connectionString: database.url, poolSize: 2, upcasters }),
        async cleanup() {
          await store.close();
          await db.destroy();
          await database.drop();
        },
      };
    },
  });
});

describe.runIf(needs('prepared statements on a Postgres server', 'PINGGAI_TEST_PG_URL'))('Postgres server: prepared statements', () => {
  it('sends stream reads, group appends and lone appends as named prepared statements, with the same answers', async () => {
    const database = await createTestDatabase(testEnv('PINGGAI_TEST_PG_URL')!, 'pinggai_prepared');
    // One connection, so that its session's prepared statements are the ones this test can list.
    const pool = createPgPool({ connectionString: database.url, max: 1 });
    const db = postgresKysely<unknown>(pool);
    const store = createSqlEventStore({ name: 'postgres', db, feed: inProcessChangeFeed(), batching: { concurrency: 1 }, prepared: preparedOn(pool) });
    try {
      const event = (n: number) => ({ id: randomUUID(), type: 'Noted', schemaVersion: 1, data: { n }, metadata: { occurredAt: new Date().toISOString() } });
      // The first append goes alone (append_events); the five behind it wait and go as one group.
      const burst = Array.from({ length: 6 }, (_, n) => event(n));
      const results = await Promise.all(burst.map((e, n) => store.append(`prepared-${n}`, [e], { expectedVersion: 'no_stream' })));
      expect(results.map((result) => result.nextExpectedVersion)).toEqual([1, 1, 1, 1, 1, 1]);
      await expect(store.append('prepared-0', [event(9)], { expectedVersion: 'no_stream' })).rejects.toThrow(/expected/i);
      const streams = await Promise.all(burst.map((_, n) => store.readStream(`prepared-${n}`)));
      expect(streams.map((stream) => stream.map((recorded) => recorded.data))).toEqual(burst.map((e) => [e.data]));
      const prepared = async () => (await pool.query<{ name: string }>('select name from pg_prepared_statements order by name')).rows.map((row) => row.name);
      expect(await prepared()).toEqual(['pinggai_append_batch', 'pinggai_append_events', 'pinggai_read_streams']);
      // An SQL error in a prepared statement (here a unique violation: an event id already stored in
      // another stream) is the caller's; the connection and its prepared statements stay.
      await expect(store.append('prepared-elsewhere', [burst[0]!])).rejects.toThrow(/already/i);
      expect(await prepared()).toEqual(['pinggai_append_batch', 'pinggai_append_events', 'pinggai_read_streams']);
    } finally {
      await store.close();
      await db.destroy();
      await database.drop();
    }
  });

  it('a stream read made stale by a migration (its result type changed) runs once more on a fresh connection', async () => {
    const database = await createTestDatabase(testEnv('PINGGAI_TEST_PG_URL')!, 'pinggai_stale');
    const pool = createPgPool({ connectionString: database.url, max: 1 });
    const db = postgresKysely<unknown>(pool);
    const store = createSqlEventStore({ name: 'postgres', db, feed: inProcessChangeFeed(), batching: { concurrency: 1 }, prepared: preparedOn(pool) });
    const admin = new pg.Client({ connectionString: database.url });
    try {
      await admin.connect();
      const noted = { id: randomUUID(), type: 'Noted', schemaVersion: 1, data: { n: 1 }, metadata: { occurredAt: new Date().toISOString() } };
      await store.append('stale-1', [noted], { expectedVersion: 'no_stream' });
      expect((await store.readStream('stale-1')).map((recorded) => recorded.type)).toEqual(['Noted']);
      const backend = async () => (await pool.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;
      const before = await backend();
      // Another session changes a column the prepared read returns: its next execution on this
      // connection fails with 0A000 (cached plan must not change result type).
      await admin.query('alter table eventstore.events alter column event_type type varchar(200)');
      expect((await store.readStream('stale-1')).map((recorded) => recorded.type)).toEqual(['Noted']);
      expect(await backend(), 'the stale connection was closed and a fresh one opened').not.toBe(before);
    } finally {
      await admin.end().catch(() => undefined);
      await store.close();
      await db.destroy();
      await database.drop();
    }
  });
});

describe.runIf(needs('LISTEN/NOTIFY wake-ups on a Postgres server', 'PINGGAI_TEST_PG_URL'))('Postgres server: wake-ups between stores', () => {
  it('a subscriber of another store (another process in production) hears every burst of appends, the last one of each included', async () => {
    const database = await createTestDatabase(testEnv('PINGGAI_TEST_PG_URL')!, 'pinggai_notify');
    const writer = createPgEventStore({ connectionString: database.url, poolSize: 8, listen: false });
    const reader = createPgEventStore({ connectionString: database.url, poolSize: 2 });
    const admin = new pg.Client({ connectionString: database.url });
    let subscription: Subscription | null = null;
    try {
      await admin.connect();
      const seen = new Set<string>();
      // The poll interval is out of reach of the test: the subscriber wakes on NOTIFYs (and re-polls
      // every 25 ms only while an open transaction holds it back). Its handler takes 10 ms, so
      // wake-ups also arrive while it is reading or handling, and must not be lost then.
      subscription = reader.subscribe({
        subscriberId: 'notify-test',
        pollIntervalMs: 600_000,
        handle: async (events) => {
          for (const event of events) seen.add(event.id);
          await new Promise((resolve) => setTimeout(resolve, 10));
        },
      });
      const until = (condition: () => boolean | Promise<boolean>) => vi.waitUntil(condition, { timeout: 10_000, interval: 20 });
      const event = (n: number) => ({ id: randomUUID(), type: 'Noted', schemaVersion: 1, data: { n }, metadata: { occurredAt: new Date().toISOString() } });
      await until(async () => {
        const { rows } = await admin.query<{ n: number }>(
          `select count(*)::int as n from pg_stat_activity where datname = current_database() and application_name = 'pinggai-listen' and query ilike 'listen %'`,
        );
        return rows[0]!.n === 1;
      });
      // A burst of concurrent appends (NOTIFYs coalesced), then single appends closer together than
      // the NOTIFY interval: the last of each is announced by the delayed NOTIFY.
      const burst = Array.from({ length: 40 }, (_, n) => event(n));
      await Promise.all(burst.map((e, n) => writer.append(`notify-${n}`, [e], { expectedVersion: 'no_stream' })));
      await until(() => burst.every((e) => seen.has(e.id)));
      const singles = Array.from({ length: 5 }, (_, n) => event(100 + n));
      for (const e of singles) await writer.append('notify-singles', [e]);
      await until(() => singles.every((e) => seen.has(e.id)));
      expect(seen.size, 'every event once, nothing else').toBe(45);
    } finally {
      await subscription?.stop();
      await admin.end().catch(() => undefined);
      await reader.close();
      await writer.close();
      await database.drop();
    }
  });
});
