/**
 * `npm run feed -- <command> --month YYYY-MM` — the provincial 好差评 feed for operators:
 *   dry-run --month M [--out DIR]   collect, then write the month's payloads and the reconciliation
 *                                   report to DIR (default .data/feed) for review; sends nothing
 *   report  --month M               the reconciliation: read models vs records sent / accepted / rejected
 * On a Postgres server (PINGGAI_PG_URL), or the embedded PGlite (PINGGAI_DATA_DIR, default .data;
 * stop `npm start` first: the data folder is locked).
 */
import path from 'node:path';
import * as v from 'valibot';
import { createPgPool, postgresKysely } from '../../core/db/postgres.ts';
import { createPgEventStore } from '../../core/eventstore/pg.ts';
import { lockDataFolder } from '../embedded/data-lock.ts';
import { openEmbeddedDatabase } from '../embedded/event-store.ts';
import { startFeedCollector } from './outbox.ts';
import { dryRunFeed, formatReconciliation, reconcileFeed } from './reconcile.ts';

const Month = v.pipe(v.string(), v.regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month YYYY-MM'));
const Args = v.union([
  v.tuple([v.literal('dry-run'), v.literal('--month'), Month]),
  v.tuple([v.literal('dry-run'), v.literal('--month'), Month, v.literal('--out'), v.pipe(v.string(), v.minLength(1))]),
  v.tuple([v.literal('report'), v.literal('--month'), Month]),
]);
const Env = v.object({
  PINGGAI_PG_URL: v.optional(v.pipe(v.string(), v.url('PINGGAI_PG_URL must be a postgres:// URL'))),
  PINGGAI_DATA_DIR: v.optional(v.pipe(v.string(), v.minLength(1)), '.data'),
});

const fail = (message: string): never => {
  console.error(`feed: ${message}`);
  process.exit(2);
};
const args = v.safeParse(Args, process.argv.slice(2));
if (!args.success) fail('usage: dry-run --month YYYY-MM [--out DIR] | report --month YYYY-MM');
const env = v.safeParse(Env, { PINGGAI_PG_URL: process.env.PINGGAI_PG_URL || undefined, PINGGAI_DATA_DIR: process.env.PINGGAI_DATA_DIR || undefined });
const config = env.success ? env.output : fail(`${v.getDotPath(env.issues[0]) ?? 'environment'}: ${env.issues[0].message}`);
const [command, , month, , out] = args.output! as readonly string[];
const log = (line: string) => console.log(`[feed] ${line}`);

const open = async () => {
  if (config.PINGGAI_PG_URL) {
    const store = createPgEventStore({ connectionString: config.PINGGAI_PG_URL, poolSize: 2, listen: false });
    const db = postgresKysely<unknown>(createPgPool({ connectionString: config.PINGGAI_PG_URL, max: 2, applicationName: 'pinggai-feed-cli' }));
    return { store, db, dataDir: path.resolve('.data'), close: async () => (await store.close(), await db.destroy()) };
  }
  const dataDir = path.resolve(config.PINGGAI_DATA_DIR);
  const lock = lockDataFolder(dataDir, { now: () => new Date(), log });
  const embedded = await openEmbeddedDatabase(dataDir, log);
  return { store: embedded.store, db: embedded.db, dataDir, close: async () => (await embedded.close(), lock.release()) };
};

const opened = await open();
try {
  log('collecting ratings and closed warnings into the feed outbox');
  const collector = startFeedCollector({ store: opened.store, db: opened.db, onError: (error) => log(`collector: ${String(error)}`) });
  await collector.caughtUp();
  await collector.stop();
  if (command === 'dry-run') {
    const dir = path.resolve(out ?? path.join(opened.dataDir, 'feed'));
    const { report, files } = await dryRunFeed({ db: opened.db, month: month!, dir });
    process.stdout.write(formatReconciliation(report));
    for (const file of files) log(`wrote ${file}`);
    process.exitCode = report.balanced && report.problems.length === 0 ? 0 : 1;
  } else {
    const report = await reconcileFeed(opened.db, month!);
    process.stdout.write(formatReconciliation(report));
    process.exitCode = report.balanced ? 0 : 1;
  }
} finally {
  await opened.close();
}
