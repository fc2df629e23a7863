/**
 * `npm run feed -- <command> --month YYYY-MM` — the provincial 好差评 feed for operators:
 *   dry-run --month M [--out DIR]   collect, then write the month's payloads and the reconciliation
 *                                   report to DIR (default .data/feed) for review; sends nothing
 *   report  --month M               the reconciliation: read models vs records sent / accepted / rejected,
 *                                   for ratings, rectifications and their corrections (整改数据更正)
 *   send    --month M               send the month's due records to the province (PINGGAI_FEED_URL,
 *                                   PINGGAI_FEED_KEY_ID, PINGGAI_FEED_SECRET; see http-transport.ts),
 *                                   keep each answer, then print the reconciliation; exit code 1
 *                                   unless every record was accepted (as report)
 *   retry   --month M               give the month's failed records (endpoint down longer than their
 *                                   attempts) another round, due now; rejected ones need their data mended
 * On a Postgres server (PINGGAI_PG_URL), or the embedded PGlite (PINGGAI_DATA_DIR, default .data;
 * stop `npm start` first: the data folder is locked).
 */
import path from 'node:path';
import * as v from 'valibot';
import { createHttpFeedTransport, httpFeedConfigFromEnv } from './http-transport.ts';
import { requeueFailedFeed, sendFeed, startFeedCollector } from './outbox.ts';
import { dryRunFeed, formatReconciliation, reconcileFeed } from './reconcile.ts';
import { CliInputError, openCliDatabase } from '../cli/database.ts';

const Month = v.pipe(v.string(), v.regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month YYYY-MM'));
const Args = v.union([
  v.tuple([v.literal('dry-run'), v.literal('--month'), Month]),
  v.tuple([v.literal('dry-run'), v.literal('--month'), Month, v.literal('--out'), v.pipe(v.string(), v.minLength(1))]),
  v.tuple([v.literal('report'), v.literal('--month'), Month]),
  v.tuple([v.literal('send'), v.literal('--month'), Month]),
  v.tuple([v.literal('retry'), v.literal('--month'), Month]),
]);

const fail = (message: string): never => {
  console.error(`feed: ${message}`);
  process.exit(2);
};
const args = v.safeParse(Args, process.argv.slice(2));
if (!args.success) fail('usage: dry-run --month YYYY-MM [--out DIR] | report --month YYYY-MM | send --month YYYY-MM | retry --month YYYY-MM');
const [command, , month, , out] = args.output! as readonly string[];
const feedConfig = (() => {
  try {
    return httpFeedConfigFromEnv(process.env);
  } catch (error) {
    return fail((error as Error).message);
  }
})();
if (command === 'send' && !feedConfig) fail('send needs PINGGAI_FEED_URL, PINGGAI_FEED_KEY_ID and PINGGAI_FEED_SECRET (the province\'s endpoint and our key)');
const log = (line: string) => console.log(`[feed] ${line}`);

const open = () => openCliDatabase({ env: process.env, name: 'pinggai-feed-cli', log }).catch((error: unknown) => (error instanceof CliInputError ? fail(error.message) : Promise.reject(error)));

const opened = await open();
try {
  log('collecting ratings, closed warnings and their corrections (appeals upheld after closing) into the feed outbox');
  const collector = startFeedCollector({ store: opened.store, db: opened.db, onError: (error) => log(`collector: ${String(error)}`) });
  await collector.caughtUp();
  await collector.stop();
  if (command === 'dry-run') {
    const dir = path.resolve(out ?? path.join(opened.dataDir, 'feed'));
    const { report, files } = await dryRunFeed({ db: opened.db, month: month!, dir });
    process.stdout.write(formatReconciliation(report));
    for (const file of files) log(`wrote ${file}`);
    process.exitCode = report.balanced && report.problems.length === 0 ? 0 : 1;
  } else if (command === 'send') {
    const transport = createHttpFeedTransport(feedConfig!);
    log(`sending the due records of ${month!} to ${transport.name}`);
    const sent = await sendFeed({ db: opened.db, transport, now: () => new Date(), month: month!, onProgress: (s) => log(`accepted ${s.accepted} · rejected ${s.rejected} · retrying ${s.retrying} · failed ${s.failed}`) });
    log(`done: accepted ${sent.accepted}, rejected ${sent.rejected}, to retry later ${sent.retrying}, given up ${sent.failed} (npm run ops lists them)`);
    const report = await reconcileFeed(opened.db, month!);
    process.stdout.write(formatReconciliation(report));
    // A record the province rejected is not delivered, and needs its data mended. (Whether the records
    // match the read models is `report`'s question: the read models may lag behind the collector.)
    process.exitCode = sent.rejected + sent.retrying + sent.failed === 0 && report.delivered ? 0 : 1;
  } else if (command === 'retry') {
    const requeued = await requeueFailedFeed(opened.db, { month: month!, now: new Date() });
    log(`${requeued} failed record(s) of ${month!} are due again: npm run feed -- send --month ${month!}, or the running sender takes them`);
  } else {
    const report = await reconcileFeed(opened.db, month!);
    process.stdout.write(formatReconciliation(report));
    process.exitCode = report.balanced && report.delivered ? 0 : 1;
  }
} finally {
  await opened.close();
}
