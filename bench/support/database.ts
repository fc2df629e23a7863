import pg from 'pg';
import { createPgPool, postgresKysely } from '../../core/db/postgres.ts';
import { migrateToLatest } from '../../infra/db/migrate.ts';

export const RAW_TABLES = ['raw_single', 'raw_concurrent', 'raw_multirow', 'raw_copy'] as const;
export type RawTable = (typeof RAW_TABLES)[number];

/**
 * A fresh database for one run on the given server, migrated like production, plus baseline tables
 * cloned from eventstore.events (`like … including all`: same columns, defaults, identity, checks and
 * indexes), so raw INSERTs pay for the same indexes the store does.
 */
export const createBenchDatabase = async (serverUrl: string): Promise<{ url: string; name: string; drop(): Promise<void> }> => {
  const name = `pinggai_bench_run_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: serverUrl, application_name: 'pinggai-bench' });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;

  const db = postgresKysely<unknown>(createPgPool({ connectionString: url.toString(), max: 2 }));
  await migrateToLatest(db);
  await db.destroy();

  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  await client.query('create schema bench');
  for (const table of RAW_TABLES) await client.query(`create table bench.${table} (like eventstore.events including all)`);
  await client.end();

  return {
    url: url.toString(),
    name,
    async drop() {
      const dropper = new pg.Client({ connectionString: serverUrl });
      await dropper.connect();
      // pg's Pool.end() resolves before its connections have gone; dropping "with (force)" at once would
      // kill them mid-close and their pools would report errors. Give them a moment to leave.
      for (let waited = 0; waited < 5_000; waited += 50) {
        const { rows } = await dropper.query<{ n: number }>('select count(*)::int as n from pg_stat_activity where datname = $1', [name]);
        if ((rows[0]?.n ?? 0) === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await dropper.query(`drop database if exists ${name} with (force)`);
      await dropper.end();
    },
  };
};
