import { describe } from 'vitest';
import { createPgPool, postgresKysely } from '../db/postgres.ts';
import { createTestDatabase } from '../../tests/support/databases.ts';
import { needs, testEnv } from '../../tests/support/env.ts';
import { describeEventStoreContract } from './contract.ts';
import { createPgEventStore } from './pg.ts';

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
