import pg from 'pg';
import { openPglite, pgliteKysely } from '../../core/db/pglite.ts';
import { migrateToLatest } from '../../infra/db/migrate.ts';
import { dumpForPiiScan } from './pii-dump.ts';

/**
 * A fresh, migrated database on the Postgres server given by PINGGAI_TEST_PG_URL; `drop()` removes it.
 * Each test file gets its own, so files never see each other's events.
 */
export const createTestDatabase = async (baseUrl: string, prefix = 'pinggai_test'): Promise<{ url: string; drop(): Promise<void> }> => {
  const name = `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  const { postgresKysely, createPgPool } = await import('../../core/db/postgres.ts');
  const db = postgresKysely<unknown>(createPgPool({ connectionString: url.toString(), max: 2 }));
  await migrateToLatest(db);
  await db.destroy();
  return {
    url: url.toString(),
    async drop() {
      if (process.env.PINGGAI_PII_SCAN_DIR) {
        // The e2e tier's databases are dumped before they go, for the plain-phone scan (pii-scan.mjs).
        const own = new pg.Client({ connectionString: url.toString() });
        await own.connect();
        await dumpForPiiScan(name, (sql) => own.query(sql)).finally(() => own.end());
      }
      const client = new pg.Client({ connectionString: baseUrl });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
};

let template: Blob | null = null;

/**
 * An in-memory PGlite with every migration applied. The migrated data folder is built once per test
 * process and copied for each call (a fresh PGlite takes seconds to initialise; a copy loads fast).
 */
export const createTestPglite = async () => {
  if (!template) {
    const seed = await openPglite();
    const db = pgliteKysely<unknown>(seed);
    await migrateToLatest(db);
    template = (await seed.dumpDataDir('none')) as Blob;
    await seed.close();
  }
  const pglite = await openPglite(undefined, { loadDataDir: template });
  if (process.env.PINGGAI_PII_SCAN_DIR) {
    // Dumped on close for the plain-phone scan of the e2e tier (pii-scan.mjs).
    const close = pglite.close.bind(pglite);
    pglite.close = async () => {
      if (!pglite.closed) await dumpForPiiScan('pglite', (sql) => pglite.query(sql));
      await close();
    };
  }
  return { pglite, db: pgliteKysely<unknown>(pglite) };
};
