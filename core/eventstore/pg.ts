import pg from 'pg';
import { createPgPool, postgresKysely } from '../db/postgres.ts';
import type { GroupCommitReport } from './instrumented.ts';
import type { EventStore } from './types.ts';
import type { Upcaster } from './upcasting.ts';
import type { ChangeFeed } from './postgres/change-feed.ts';
import { inProcessChangeFeed } from './postgres/change-feed.ts';
import { createSqlEventStore } from './postgres/sql-store.ts';

const CHANNEL = 'pinggai_events';
/** The shortest time between two NOTIFYs from one store. */
const NOTIFY_INTERVAL_MS = 5;

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
 *   after a quiet spell is announced at once; under load, other processes' subscribers wake a few
 *   milliseconds late instead of once per append (this process's own are told at once).
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
    pool.query(`select pg_notify('${CHANNEL}', '')`).then(
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

export const createPgEventStore = (options: PgEventStoreOptions): EventStore => {
  const pool = createPgPool({ connectionString: options.connectionString, max: options.poolSize ?? 20 });
  const db = postgresKysely<unknown>(pool);
  return createSqlEventStore({
    name: 'postgres',
    db,
    // Two statements in flight for appends (one committing while the next is sent) and two for stream
    // reads; their other callers wait and share the next statement (group commit).
    batching: { concurrency: 2 },
    feed: notifyFeed(pool, options.connectionString, options.listen ?? true),
    ...(options.upcasters ? { upcasters: options.upcasters } : {}),
    ...(options.onGroupCommit ? { onGroupCommit: options.onGroupCommit } : {}),
    close: () => db.destroy(),
  });
};
