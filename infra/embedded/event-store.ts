import path from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import type { Kysely } from 'kysely';
import { openPglite, pgliteKysely } from '../../core/db/pglite.ts';
import { createPgliteEventStore } from '../../core/eventstore/pglite.ts';
import type { GroupCommitReport } from '../../core/eventstore/instrumented.ts';
import type { EventStore } from '../../core/eventstore/types.ts';
import { migrateToLatest } from '../db/migrate.ts';

export interface EmbeddedDatabase {
  readonly pglite: PGlite;
  /** One kysely over the serialising dialect, shared by the event store and the read models. */
  readonly db: Kysely<unknown>;
  readonly store: EventStore;
  readonly folder: string;
  close(): Promise<void>;
}

/**
 * Embedded Postgres for events and read models: PGlite at `<dataDir>/pglite`, migrated to the latest
 * schema. The caller must hold the data folder's lock first (PGlite does not lock its folder).
 */
export const openEmbeddedDatabase = async (
  dataDir: string,
  log: (line: string) => void,
  options: { readonly onGroupCommit?: (report: GroupCommitReport) => void } = {},
): Promise<EmbeddedDatabase> => {
  const folder = path.join(dataDir, 'pglite');
  log(`opening PGlite at ${folder} (a new folder takes a few seconds to initialise)`);
  const pglite = await openPglite(folder);
  const db = pgliteKysely<unknown>(pglite);
  try {
    await migrateToLatest(db, log);
  } catch (error) {
    await pglite.close();
    throw error;
  }
  const store = createPgliteEventStore({ pglite, db, ...(options.onGroupCommit ? { onGroupCommit: options.onGroupCommit } : {}) });
  return {
    pglite,
    db,
    store,
    folder,
    async close() {
      await store.close();
      await db.destroy();
      await pglite.close();
    },
  };
};
