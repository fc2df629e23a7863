import { createTestPglite } from '../../tests/support/databases.ts';
import { describeEventStoreContract } from './contract.ts';
import { createPgliteEventStore } from './pglite.ts';

describeEventStoreContract('PGlite (embedded)', {
  async create() {
    const { pglite, db } = await createTestPglite();
    const store = createPgliteEventStore({ pglite, db });
    return {
      store,
      db,
      withUpcasters: (upcasters) => createPgliteEventStore({ pglite, db, upcasters }),
      async cleanup() {
        await store.close();
        await pglite.close();
      },
    };
  },
});
