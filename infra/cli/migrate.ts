/**
 * `npm run migrate` — applies every pending migration (infra/db/migrations) to one database:
 *   PINGGAI_DATABASE_URL=postgres://… npm run migrate   a Postgres server (production; PINGGAI_PG_URL also works)
 *   npm run migrate                                   the embedded PGlite under PINGGAI_DATA_DIR (default .data)
 * The embedded data folder is locked while migrating, so a running `npm start` is never touched.
 */
import path from 'node:path';
import * as v from 'valibot';
import { openPglite, pgliteKysely } from '../../core/db/pglite.ts';
import { createPgPool, postgresKysely } from '../../core/db/postgres.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { lockDataFolder } from '../embedded/data-lock.ts';

const env = v.safeParse(
  v.object({
    PINGGAI_PG_URL: v.optional(v.pipe(v.string(), v.url('PINGGAI_PG_URL must be a postgres:// URL'))),
    PINGGAI_DATA_DIR: v.optional(v.pipe(v.string(), v.minLength(1)), '.data'),
  }),
  // PINGGAI_DATABASE_URL is what the deployables and the Kubernetes Secret call it.
  { PINGGAI_PG_URL: process.env.PINGGAI_PG_URL || process.env.PINGGAI_DATABASE_URL || undefined, PINGGAI_DATA_DIR: process.env.PINGGAI_DATA_DIR || undefined },
);
if (!env.success) {
  console.error(`migrate: ${v.getDotPath(env.issues[0]) ?? 'environment'}: ${env.issues[0].message}`);
  process.exit(2);
}
const log = (line: string) => console.log(`[migrate] ${line}`);

if (env.output.PINGGAI_PG_URL) {
  const url = new URL(env.output.PINGGAI_PG_URL);
  log(`Postgres server ${url.host}${url.pathname}`);
  const db = postgresKysely<unknown>(createPgPool({ connectionString: env.output.PINGGAI_PG_URL, max: 1, applicationName: 'pinggai-migrate' }));
  try {
    await migrateToLatest(db, log);
  } finally {
    await db.destroy();
  }
} else {
  const dataDir = path.resolve(env.output.PINGGAI_DATA_DIR);
  const lock = lockDataFolder(dataDir, { now: () => new Date(), log });
  try {
    log(`embedded PGlite at ${path.join(dataDir, 'pglite')}`);
    const pglite = await openPglite(path.join(dataDir, 'pglite'));
    const db = pgliteKysely<unknown>(pglite);
    try {
      await migrateToLatest(db, log);
    } finally {
      await db.destroy();
      await pglite.close();
    }
  } finally {
    lock.release();
  }
}
log('schema is up to date');
