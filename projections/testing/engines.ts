import type { Kysely } from 'kysely';
import { createPgPool, postgresKysely } from '../../core/db/postgres.ts';
import { createPgEventStore } from '../../core/eventstore/pg.ts';
import { createPgliteEventStore } from '../../core/eventstore/pglite.ts';
import type { EventStore } from '../../core/eventstore/types.ts';
import { createTestDatabase, createTestPglite } from '../../tests/support/databases.ts';
import { needs, testEnv } from '../../tests/support/env.ts';

/** A migrated database with its event store and a kysely for the read models (same database). */
export interface Engine {
  readonly store: EventStore;
  readonly db: Kysely<unknown>;
  /** The database's URL on a Postgres server (for child processes); absent for PGlite. */
  readonly url?: string;
  close(): Promise<void>;
}

export interface EngineFactory {
  readonly name: 'pglite' | 'postgres';
  open(): Promise<Engine>;
}

const pglite: EngineFactory = {
  name: 'pglite',
  async open() {
    const { pglite: instance, db } = await createTestPglite();
    // One kysely for events and read models: PGlite is one session, served through one queue.
    const store = createPgliteEventStore({ pglite: instance, db });
    return {
      store,
      db,
      async close() {
        await store.close();
        await instance.close();
      },
    };
  },
};

const postgres = (baseUrl: string): EngineFactory => ({
  name: 'postgres',
  async open() {
    const database = await createTestDatabase(baseUrl, 'pinggai_proj');
    const store = createPgEventStore({ connectionString: database.url, poolSize: 4 });
    const db = postgresKysely<unknown>(
      createPgPool({ connectionString: database.url, max: 4, applicationName: 'pinggai-projections-test' }),
    );
    return {
      store,
      db,
      url: database.url,
      async close() {
        await store.close();
        await db.destroy();
        await database.drop();
      },
    };
  },
});

/** PGlite always; a Postgres server when PINGGAI_TEST_PG_URL is set (otherwise a printed skip). */
export const engines = (what: string): EngineFactory[] => {
  const url = needs(`${what} on a Postgres server`, 'PINGGAI_TEST_PG_URL')
    ? testEnv('PINGGAI_TEST_PG_URL')
    : undefined;
  return url ? [pglite, postgres(url)] : [pglite];
};
