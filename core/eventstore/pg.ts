import pg from 'pg';
import { createPgPool, postgresKysely } from '../db/postgres.ts';
import type { GroupCommitReport } from './instrumented.ts';
import type { EventStore } from './types.ts';
import type { Upcaster } from './upcasting.ts';
import type { ChangeFeed } from './postgres/change-feed.ts';
import { inProcessChangeFeed } from './postgres/change-feed.ts';
import type { SqlEventStoreOptions } from './postgres/sql-store.ts';
import { createSqlEventStore, sqlStateOf } from './postgres/sql-store.ts';

const CHANNEL = 'pinggai_events';
/** The shortest time between two NOTIFYs from one store (under load: the first after a quiet spell goes at once). */
const NOTIFY_INTERVAL_MS = 50;

export interface PgEventStoreOptions {
  readonly connectionString: string;
  readonly poolSize?: number;
  /** Listen for appends made by other processes (LISTEN/NOTIFY). Default true. */
  readonly listen?: boolean;
  readonly upcasters?: readonly Upcaster[];
  readonly onGroupCommit?: (report: GroupCommitReport) => void;
}

/**
 * Appends announce themselves with NOTIFY *after* their commit, from a separate statement:
 * NOTIFY inside the appending transaction would take the notification queue's lock until that
 * transaction's WAL flush and so serialise every concurrent commit.
 * - Coalesced: one NOTIFY at a time, and at most one per `NOTIFY_INTERVAL_MS`. The first append
 *   after a quiet spell is announced at once; under load, other processes' subscribers wake up to
 *   50 ms late instead of once per append, and read more per wake-up (this process's own are told at
 *   once). A NOTIFY is a transaction of its own with a commit record: at 5 ms, a busy intake sent
 *   about 140 a second, each one more statement and WAL flush.
 * - Committed without waiting for the WAL flush (`synchronous_commit = off` for that transaction
 *   alone): the events it announces committed durably before it.
 * - On close, an announcement still held back by the interval is sent before the pool ends.
 * A lost wake-up only delays subscribers until their next poll.
 */
const notifyFeed = (pool: pg.Pool, connectionString: string, listen: boolean): ChangeFeed => {
  const local = inProcessChangeFeed();
  let inFlight: Promise<void> | null = null;
  let pending = false;
  let lastSent = Number.NEGATIVE_INFINITY;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let listener: pg.Client | null = null;
  let closed = false;

  const send = (): Promise<void> =>
    // Two statements in one simple query run as one implicit transaction, so SET LOCAL applies to it.
    pool.query(`set local synchronous_commit = off; select pg_notify('${CHANNEL}', '')`).then(
      () => undefined,
      () => undefined, // A lost wake-up only delays subscribers until their next poll.
    );

  /** Sends the pending NOTIFY now, or when the one in flight is done and the interval has passed. */
  const flush = (): void => {
    if (!pending || inFlight || timer || closed) return;
    const wait = lastSent + NOTIFY_INTERVAL_MS - performance.now();
    if (wait > 0) {
      timer = setTimeout(() => {
        timer = null;
        flush();
      }, wait);
      timer.unref?.();
      return;
    }
    pending = false;
    lastSent = performance.now();
    inFlight = send().finally(() => {
      inFlight = null;
      flush();
    });
  };

  const connectListener = async () => {
    const client = new pg.Client({ connectionString, application_name: 'pinggai-listen' });
    client.on('notification', () => local.notifyLocal());
    client.on('error', () => {
      // Polling covers the gap; reconnect on the next start.
    });
    await client.connect();
    await client.query(`listen ${CHANNEL}`);
    if (closed) await client.end();
    else listener = client;
  };
  let listening: Promise<void> | null = null;

  return {
    announce() {
      local.notifyLocal();
      pending = true;
      flush();
    },
    onChange(fn) {
      if (listen && !listening) listening = connectListener().catch(() => undefined);
      return local.onChange(fn);
    },
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      await inFlight;
      if (pending) await send();
      await listening;
      await listener?.end().catch(() => undefined);
      await local.close();
    },
  };
};

/** A statement prepared on a connection no longer fits the schema (a result type changed; it was dropped). */
const STALE_PREPARED = new Set(['0A000', '26000']);

/**
 * The store's hot statements as named prepared statements on whichever pooled connection takes them:
 * node-postgres parses a name once per connection and afterwards sends only Bind and Execute.
 * - An SQL error (a unique violation, a lock timeout) keeps the connection and its statements, as
 *   kysely does; `pool.query` would close it. Other errors (the connection broke) close it.
 * - A statement prepared before a migration changed its result type fails on that connection alone
 *   with 0A000: the connection is closed and the statement runs once more on another, prepared anew.
 * - Behind a connection pooler, that pooler must keep prepared statements: PgBouncer in session mode,
 *   or in transaction mode from 1.21 with `max_prepared_statements` set.
 */
export const preparedOn =
  (pool: pg.Pool): NonNullable<SqlEventStoreOptions['prepared']> =>
  async (name, text, values) => {
    for (let attempt = 1; ; attempt++) {
      const client = await pool.connect();
      try {
        const { rows } = await client.query({ name, text, values: [...values] });
        client.release();
        return rows;
      } catch (error) {
        const code = sqlStateOf(error);
        const stale = code !== null && STALE_PREPARED.has(code);
        client.release(code !== null && !stale ? undefined : (error as Error));
        if (stale && attempt === 1) continue;
        throw error;
      }
    }
  };

export const createPgEventStore = (options: PgEventStoreOptions): EventStore => {
  const pool = createPgPool({ connectionString: options.connectionString, max: options.poolSize ?? 20 });
  const db = postgresKysely<unknown>(pool);
  return createSqlEventStore({
    name: 'postgres',
    db,
    // One statement in flight for appends and one for stream reads; their other callers wait and
    // share the next statement (group commit). Two in flight (one committing while the next is sent)
    // halved the groups and cost more CPU per rating submission on both sides (infra/CAPACITY.md §2b).
    // One append blocked on another session's uncommitted insert of its stream holds up this process's
    // appends until that insert commits or aborts (a group waits at most its 200 ms lock timeout).
    batching: { concurrency: 1 },
    feed: notifyFeed(pool, options.connectionString, options.listen ?? true),
    prepared: preparedOn(pool),
    ...(options.upcasters ? { upcasters: options.upcasters } : {}),
    ...(options.onGroupCommit ? { onGroupCommit: options.onGroupCommit } : {}),
    close: () => db.destroy(),
  });
};
