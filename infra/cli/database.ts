/**
 * How an operator's command finds the data: a Postgres server (`PINGGAI_DATABASE_URL`, or its older
 * name `PINGGAI_PG_URL`), else the embedded PGlite under `PINGGAI_DATA_DIR` (default `.data`), whose
 * folder lock keeps a running `npm start` out while the command works (stop it first).
 */
import path from 'node:path';
import type { Kysely } from 'kysely';
import * as v from 'valibot';
import { createPgPool, postgresKysely } from '../../core/db/postgres.ts';
import { createPgEventStore } from '../../core/eventstore/pg.ts';
import type { EventStore } from '../../core/eventstore/types.ts';
import { lockDataFolder } from '../embedded/data-lock.ts';
import { openEmbeddedDatabase } from '../embedded/event-store.ts';

export interface CliDatabase {
  readonly store: EventStore;
  readonly db: Kysely<unknown>;
  /** The embedded data folder (also where a Postgres-server command keeps its local files: `.data`). */
  readonly dataDir: string;
  /** True for the embedded PGlite (its PII keys are in the data folder's key file). */
  readonly embedded: boolean;
  /** Where the data is, for log lines (no password). */
  readonly where: string;
  close(): Promise<void>;
}

const Env = v.object({
  url: v.optional(v.pipe(v.string(), v.regex(/^postgres(?:ql)?:\/\/\S+$/, 'PINGGAI_DATABASE_URL must be a postgres:// URL'))),
  dataDir: v.optional(v.pipe(v.string(), v.minLength(1)), '.data'),
});

/** Raised for a bad variable; the command prints it and exits 2. */
export class CliInputError extends Error {}

export const openCliDatabase = async (options: {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** `pinggai-<command>`: the Postgres application name. */
  readonly name: string;
  readonly log: (line: string) => void;
}): Promise<CliDatabase> => {
  const parsed = v.safeParse(Env, { url: options.env.PINGGAI_DATABASE_URL || options.env.PINGGAI_PG_URL || undefined, dataDir: options.env.PINGGAI_DATA_DIR || undefined });
  if (!parsed.success) throw new CliInputError(parsed.issues[0].message);
  const dataDir = path.resolve(parsed.output.dataDir);
  const url = parsed.output.url;
  if (url) {
    const store = createPgEventStore({ connectionString: url, poolSize: 2, listen: false });
    const db = postgresKysely<unknown>(createPgPool({ connectionString: url, max: 2, applicationName: options.name }));
    const where = `Postgres ${new URL(url).host}${new URL(url).pathname}`;
    return { store, db, dataDir, embedded: false, where, close: async () => (await store.close(), await db.destroy()) };
  }
  const lock = lockDataFolder(dataDir, { now: () => new Date(), log: options.log });
  try {
    const embedded = await openEmbeddedDatabase(dataDir, options.log);
    return { store: embedded.store, db: embedded.db, dataDir, embedded: true, where: `PGlite ${embedded.folder}`, close: async () => (await embedded.close(), lock.release()) };
  } catch (error) {
    lock.release();
    throw error;
  }
};
