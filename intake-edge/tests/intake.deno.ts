// The intake suite under real Deno against a real Postgres server: `npm run test:deno`
// (deno test --allow-all intake-edge/tests/intake.deno.ts). Same cases as intake.int.test.ts.
import { createPgPool, postgresKysely } from '../../core/db/postgres.ts';
import { createPgEventStore } from '../../core/eventstore/pg.ts';
import { createTestDatabase } from '../../tests/support/databases.ts';
import { intakeCases } from './cases.ts';
import { createHarness } from './harness.ts';

declare const Deno: {
  env: { get(name: string): string | undefined };
  test(definition: { name: string; sanitizeOps?: boolean; sanitizeResources?: boolean; fn: (t: { step(name: string, fn: () => Promise<void>): Promise<boolean> }) => Promise<void> }): void;
};

const baseUrl = Deno.env.get('PINGGAI_TEST_PG_URL');
if (!baseUrl) {
  console.warn('[skip] intake on a Postgres server (Deno): PINGGAI_TEST_PG_URL not set (npm test starts these engines and sets them)');
} else {
  Deno.test({
    name: 'intake on a Postgres server (Deno)',
    // pg keeps sockets and timers alive between steps; the store and pool are closed at the end.
    sanitizeOps: false,
    sanitizeResources: false,
    async fn(t) {
      const database = await createTestDatabase(baseUrl, 'pinggai_intake_deno');
      const store = createPgEventStore({ connectionString: database.url });
      const db = postgresKysely<unknown>(createPgPool({ connectionString: database.url, max: 4 }));
      try {
        for (const [title, run] of Object.entries(intakeCases)) {
          const ok = await t.step(title, async () => {
            const harness = await createHarness({ store, db });
            try {
              await run(harness);
            } finally {
              await harness.close();
            }
          });
          if (!ok) console.error(`failed: ${title}`);
        }
      } finally {
        await store.close();
        await db.destroy();
        await database.drop();
      }
    },
  });
}
