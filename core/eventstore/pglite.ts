import type { PGlite } from '@electric-sql/pglite';
import type { Kysely } from 'kysely';
import { pgliteKysely } from '../db/pglite.ts';
import type { GroupCommitReport } from './instrumented.ts';
import type { EventStore } from './types.ts';
import type { Upcaster } from './upcasting.ts';
import { inProcessChangeFeed } from './postgres/change-feed.ts';
import { createSqlEventStore } from './postgres/sql-store.ts';

export interface PgliteEventStoreOptions {
  readonly pglite: PGlite;
  /** Share the caller's kysely instance (so read models and events use one queue). */
  readonly db?: Kysely<unknown>;
  readonly upcasters?: readonly Upcaster[];
  readonly onGroupCommit?: (report: GroupCommitReport) => void;
}

/**
 * Embedded mode: PGlite runs inside this process, which holds the data folder's lock, so every
 * writer is in-process and wake-ups need no LISTEN/NOTIFY.
 */
export const createPgliteEventStore = (options: PgliteEventStoreOptions): EventStore =>
  createSqlEventStore({
    name: 'pglite',
    db: options.db ?? pgliteKysely<unknown>(options.pglite),
    feed: inProcessChangeFeed(),
    ...(options.upcasters ? { upcasters: options.upcasters } : {}),
    ...(options.onGroupCommit ? { onGroupCommit: options.onGroupCommit } : {}),
  });
