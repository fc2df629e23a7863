/**
 * `npm run ops` — the operator's status page in a terminal: projector and reactor lag, the SMS, feed
 * and webhook outboxes with their dead letters (why each failed), and the working calendar's coverage.
 *   npm run ops                       the embedded PGlite under PINGGAI_DATA_DIR (stop `npm start` first)
 *   PINGGAI_DATABASE_URL=… npm run ops   a Postgres server, beside the running deployables
 *   npm run ops -- --json             the same as one JSON document
 * Projector rebuilds: `npm run projections`. Exit code 0, or 2 on bad input.
 */
import { parseArgs } from 'node:util';
import { projectionRegistry } from '../../projections/index.ts';
import { formatOpsReport, opsReport } from '../ops/report.ts';
import { CliInputError, openCliDatabase } from './database.ts';

const { values } = (() => {
  try {
    return parseArgs({ options: { json: { type: 'boolean' }, limit: { type: 'string' } }, strict: true });
  } catch (error) {
    console.error(`ops: ${(error as Error).message}\nusage: npm run ops [-- --json] [--limit N]`);
    return process.exit(2);
  }
})();
const limit = Number(values.limit ?? '20');
if (!Number.isInteger(limit) || limit < 1 || limit > 1_000) {
  console.error('ops: --limit must be a whole number from 1 to 1000');
  process.exit(2);
}
const quiet = values.json === true;
const log = (line: string) => {
  if (!quiet) console.log(`[ops] ${line}`);
};

let opened;
try {
  opened = await openCliDatabase({ env: process.env, name: 'pinggai-ops', log });
} catch (error) {
  if (error instanceof CliInputError) {
    console.error(`ops: ${error.message}`);
    process.exit(2);
  }
  throw error;
}
try {
  const report = await opsReport({ db: opened.db, store: opened.store, projections: projectionRegistry, now: new Date(), limit });
  process.stdout.write(quiet ? `${JSON.stringify(report, null, 2)}\n` : formatOpsReport(report));
} finally {
  await opened.close();
}
