import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';

export interface PostgresOptions {
  readonly connectionString: string;
  /** Pool size; writers beyond it queue in the pool. */
  readonly max?: number;
  readonly applicationName?: string;
}

export const createPgPool = (options: PostgresOptions): pg.Pool => {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max ?? 20,
    application_name: options.applicationName ?? 'pinggai',
  });
  // An idle connection can be closed by the server (restart, failover); the pool replaces it on next
  // use. Without a listener that would crash the process.
  pool.on('error', (error) => {
    console.warn(JSON.stringify({ level: 'warn', msg: 'idle Postgres connection lost', error: error.message }));
  });
  return pool;
};

export const postgresKysely = <DB>(pool: pg.Pool): Kysely<DB> => new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
