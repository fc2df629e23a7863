import { afterAll, beforeAll, describe, it } from 'vitest';
import { createPgliteEventStore } from '../../core/eventstore/pglite.ts';
import { createPgEventStore } from '../../core/eventstore/pg.ts';
import { createPgPool, postgresKysely } from '../../core/db/postgres.ts';
import { createTestDatabase, createTestPglite } from '../../tests/support/databases.ts';
import { needs, testEnv } from '../../tests/support/env.ts';
import { intakeCases } from './cases.ts';
import type { Harness, IntakeBackend } from './harness.ts';
import { createHarness } from './harness.ts';

/** Runs every intake case against one backend; each case gets its own app, clock and reactor. */
const suite = (name: string, open: () => Promise<IntakeBackend & { close(): Promise<void> }>) =>
  describe(name, () => {
    let backend: (IntakeBackend & { close(): Promise<void> }) | undefined;
    beforeAll(async () => {
      backend = await open();
    });
    afterAll(async () => {
      await backend?.close();
    });
    for (const [title, run] of Object.entries(intakeCases)) {
      it(title, async () => {
        const harness: Harness = await createHarness(backend!);
        try {
          await run(harness);
        } finally {
          await harness.close();
        }
      });
    }
  });

suite('intake on PGlite (Node)', async () => {
  const { pglite, db } = await createTestPglite();
  const store = createPgliteEventStore({ pglite, db });
  return {
    store,
    db,
    async close() {
      await store.close();
      await pglite.close();
    },
  };
});

if (needs('intake on a Postgres server (Node)', 'PINGGAI_TEST_PG_URL')) {
  suite('intake on a Postgres server (Node)', async () => {
    const database = await createTestDatabase(testEnv('PINGGAI_TEST_PG_URL')!, 'pinggai_intake');
    const store = createPgEventStore({ connectionString: database.url });
    const pool = createPgPool({ connectionString: database.url, max: 4 });
    const db = postgresKysely<unknown>(pool);
    return {
      store,
      db,
      async close() {
        await store.close();
        await db.destroy();
        await database.drop();
      },
    };
  });
}
