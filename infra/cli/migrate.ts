/**
 * `npm run migrate` — applies every pending migration (infra/db/migrations) to one database:
 *   PINGGAI_DATABASE_URL=postgres://… npm run migrate   a Postgres server (production; PINGGAI_PG_URL also works)
 *   npm run migrate                                   the embedded PGlite under PINGGAI_DATA_DIR (default .data)
 * The embedded data folder is locked while migrating, so a running `npm start` is never touched.
 * PINGGAI_APP_ROLE=pinggai_app (Postgres server only) then grants the application's role what it needs
 * and no more: SELECT and INSERT on the event log, never UPDATE, DELETE or TRUNCATE (core/audit/app-role.ts).
 */
import path from 'node:path';
import * as v from 'valibot';
import { openPglite, pgliteKysely } from '../../core/db/pglite.ts';
import { createPgPool, postgresKysely } from '../../core/db/postgres.ts';
import { grantApplicationRole } from '../../core/audit/app-role.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { lockDataFolder } from '../embedded/data-lock.ts';

const env = v.safeParse(
  v.object({
    PINGGAI_PG_URL: v.optional(v.pipe(v.string(), v.url('PINGGAI_PG_URL must be a postgres:// URL'))),
    PINGGAI_DATA_DIR: v.optional(v.pipe(v.string(), v.minLength(1)), '.data'),
    PINGGAI_APP_ROLE: v.optional(v.pipe(v.string(), v.regex(/^[a-z_][a-z0-9_]{0,62}$/, 'PINGGAI_APP_ROLE must be a plain lower-case role name'))),
  }),
  // PINGGAI_DATABASE_URL is what the deployables and the Kubernetes Secret call it.
  { PINGGAI_PG_URL: process.env.PINGGAI_PG_URL || process.env.PINGGAI_DATABASE_URL || undefined, PINGGAI_DATA_DIR: process.env.PINGGAI_DATA_DIR || undefined, PINGGAI_APP_ROLE: process.env.PINGGAI_APP_ROLE || undefined },
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
    if (env.output.PINGGAI_APP_ROLE) {
      await grantApplicationRole(db, env.output.PINGGAI_APP_ROLE);
      log(`role ${env.output.PINGGAI_APP_ROLE}: read and write on the read models, SELECT and INSERT only on eventstore.events`);
    }
  } finally {
    await db.destroy();
  }
} else {
  if (env.output.PINGGAI_APP_ROLE) log('PINGGAI_APP_ROLE is for a Postgres server; the embedded PGlite has no roles to grant');
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
