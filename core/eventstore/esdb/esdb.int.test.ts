import { describe } from 'vitest';
import { needs, testEnv } from '../../../tests/support/env.ts';
import { describeEventStoreContract } from '../contract.ts';
import type { EventStore } from '../types.ts';
import { createEsdbEventStore } from './store.ts';

// EventStoreDB has no throwaway databases: every contract test writes to streams and categories of
// its own (random names), so runs against a shared server do not see each other's events.
describe.runIf(needs('EventStoreDB contract suite', 'ESDB_URL'))('EventStoreDB', () => {
  describeEventStoreContract('EventStoreDB (@eventstore/db-client)', {
    async create() {
      const connectionString = testEnv('ESDB_URL')!;
      const stores: EventStore[] = [createEsdbEventStore({ connectionString })];
      return {
        store: stores[0]!,
        withUpcasters(upcasters) {
          const store = createEsdbEventStore({ connectionString, upcasters });
          stores.push(store);
          return store;
        },
        async cleanup() {
          await Promise.all(stores.map((store) => store.close()));
        },
      };
    },
  });
});
