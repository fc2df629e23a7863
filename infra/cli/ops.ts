/**
 * `npm run ops` — the operator's status page in a terminal: projector and reactor lag, the SMS, feed
 * and webhook outboxes with their dead letters (why each failed), and the working calendar's coverage.
 *   npm run ops                       the embedded PGlite under PINGGAI_DATA_DIR (stop `npm start` first)
 *   PINGGAI_DATABASE_URL=… npm run ops   a Postgres server, beside the running deployables
 *   npm run ops -- --json             the same as one JSON document
 *   npm run ops -- --retry-webhooks [--endpoint ID]
 *                                     give the failed webhook deliveries (of one endpoint) another round,
 *                                     due now; the running sender takes them
 *   npm run ops -- --sms-checked KEY --delivered | --not-delivered --by ACCOUNT
 *                                     an SMS in doubt, checked against the provider's delivery report
 *                                     (infra/ops/sms-checked.ts)
 *   npm run ops -- --lifecycles [--repair]
 *                                     open warnings whose Temporal workflow is not running (their clocks
 *                                     stand still); --repair starts them again (infra/ops/lifecycles.ts)
 * Projector rebuilds: `npm run projections`. Exit code 0, or 2 on bad input; --lifecycles: 1 when
 * some open warning is left without a running workflow.
 */
import { parseArgs } from 'node:util';
import { projectionRegistry } from '../../projections/index.ts';
import { lifecyclesUsageProblem, runLifecyclesCommand } from '../ops/lifecycles-command.ts';
import { formatOpsReport, opsReport } from '../ops/report.ts';
import { runSmsChecked, smsCheckedUsageProblem } from '../ops/sms-checked.ts';
import { requeueFailedWebhooks } from '../webhooks/webhooks.ts';
import { CliInputError, openCliDatabase } from './database.ts';

function usage(problem: string): never {
  console.error(
    `ops: ${problem}\nusage: npm run ops [-- --json] [--limit N] | npm run ops -- --retry-webhooks [--endpoint ID] | npm run ops -- --lifecycles [--repair]\n` +
      '       npm run ops -- --sms-checked KEY --delivered | --not-delivered --by ACCOUNT',
  );
  return process.exit(2);
}

const { values } = (() => {
  try {
    return parseArgs({
      options: {
        json: { type: 'boolean' },
        limit: { type: 'string' },
        'retry-webhooks': { type: 'boolean' },
        endpoint: { type: 'string' },
        lifecycles: { type: 'boolean' },
        repair: { type: 'boolean' },
        'sms-checked': { type: 'string' },
        delivered: { type: 'boolean' },
        'not-delivered': { type: 'boolean' },
        by: { type: 'string' },
      },
      strict: true,
    });
  } catch (error) {
    return usage((error as Error).message);
  }
})();
if (values.endpoint !== undefined && !values['retry-webhooks']) usage('--endpoint goes with --retry-webhooks');
const argumentsProblem = lifecyclesUsageProblem(values) ?? smsCheckedUsageProblem(values);
if (argumentsProblem) usage(argumentsProblem);
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
  if (values.lifecycles) {
    process.exitCode = await runLifecyclesCommand({
      db: opened.db,
      store: opened.store,
      env: process.env,
      repair: values.repair === true,
      json: quiet,
      now: new Date(),
      log,
      warn: (line) => console.error(line),
      write: (text) => process.stdout.write(text),
    });
  } else if (values['sms-checked'] !== undefined) {
    process.exitCode = await runSmsChecked({ db: opened.db, key: values['sms-checked'], delivered: values.delivered === true, by: values.by!, now: new Date(), log: (line) => console.log(`[ops] ${line}`) });
  } else if (values['retry-webhooks']) {
    const requeued = await requeueFailedWebhooks(opened.db, { now: new Date(), endpointId: values.endpoint });
    log(`${requeued} failed webhook deliver${requeued === 1 ? 'y is' : 'ies are'} due again${values.endpoint ? ` (endpoint ${values.endpoint})` : ''}; the running sender takes them`);
  } else {
    const report = await opsReport({ db: opened.db, store: opened.store, projections: projectionRegistry, now: new Date(), limit });
    process.stdout.write(quiet ? `${JSON.stringify(report, null, 2)}\n` : formatOpsReport(report));
  }
} finally {
  await opened.close();
}
