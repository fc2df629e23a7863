/**
 * The warning worker as its own OS process, for the crash test and the benchmark: the lifecycle
 * worker and the checkpointed forwarder over a Postgres event store and the development SMS outbox,
 * composed like infra/app/warning-lifecycle.ts (real citizen-phone resolver over the PII vault).
 * Run it as `node --import tsx workflows/testing/worker-process.ts` — one process, so `kill -9` of
 * its pid kills everything in it (the `tsx` launcher would leave its node child behind).
 *
 * Reports on stdout, one JSON object per line: `{"ready":…}` once polling, `{"lateness":…}` from
 * the activities' onTimerLateness hook, `{"log":…}` lines. Every message that
 * really reached the outbox (first send of its key) is appended, synchronously, to WORKER_SMS_LOG.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import * as v from 'valibot';
import { loadWorkingCalendar } from '../../core/calendar/load.ts';
import { createPgPool, postgresKysely } from '../../core/db/postgres.ts';
import { createPgEventStore } from '../../core/eventstore/pg.ts';
import { piiKeyringFromEnv } from '../../core/pii/keyring.ts';
import { createPiiVault } from '../../core/pii/vault.ts';
import { createOutboxSmsGateway } from '../../core/sms/outbox.ts';
import type { SmsDatabase } from '../../core/sms/send-log.ts';
import type { SmsGateway } from '../../core/sms/types.ts';
import { citizenPhoneResolver } from '../../infra/app/citizen-phone.ts';
import { createWarningActivities } from '../activities.ts';
import type { LifecycleConfig } from '../config.ts';
import { startWarningForwarder } from '../forwarder.ts';
import { createDirectoryRecipients } from '../recipients.ts';
import { createWarningWorker } from '../worker.ts';
import { lifecycleConfigSchema, processStaffDirectory } from './worker-options.ts';

const envSchema = v.object({
  PINGGAI_PG_URL: v.pipe(v.string(), v.url()),
  TEMPORAL_ADDRESS: v.pipe(v.string(), v.minLength(3)),
  WORKER_TASK_QUEUE: v.pipe(v.string(), v.minLength(1)),
  /** Prebuilt workflow bundle (bundleWarningWorkflows' code), so a restart does not bundle again. */
  WORKER_BUNDLE_PATH: v.optional(v.pipe(v.string(), v.minLength(1))),
  WORKER_LIFECYCLE_CONFIG: v.optional(v.pipe(v.string(), v.parseJson(), lifecycleConfigSchema)),
  WORKER_FORWARDER: v.optional(v.picklist(['0', '1']), '1'),
  WORKER_SMS_LOG: v.optional(v.pipe(v.string(), v.minLength(1))),
});

const parsed = v.safeParse(envSchema, process.env);
if (!parsed.success) {
  const issue = parsed.issues[0]!;
  console.error(`worker-process: ${v.getDotPath(issue) ?? 'environment'}: ${issue.message}`);
  process.exit(2);
}
const env = parsed.output;
const report = (message: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(message)}\n`);

Runtime.install({ logger: new DefaultLogger('ERROR') });

const vault = createPiiVault({ keyring: piiKeyringFromEnv(process.env) });
const store = createPgEventStore({ connectionString: env.PINGGAI_PG_URL, poolSize: 6 });
const smsDb = postgresKysely<SmsDatabase>(createPgPool({ connectionString: env.PINGGAI_PG_URL, max: 4, applicationName: 'pinggai-worker-sms' }));
const outbox = createOutboxSmsGateway({ db: smsDb, vault });
const smsLog = env.WORKER_SMS_LOG;
// The provider log: one line per message the outbox accepted for the first time (a retry that finds
// its key already stored returns `duplicate: true` and sent nothing).
const sms: SmsGateway = {
  provider: outbox.provider,
  async send(message) {
    const result = await outbox.send(message);
    if (smsLog && !result.duplicate) appendFileSync(smsLog, `${JSON.stringify({ key: message.idempotencyKey, pid: process.pid })}\n`);
    return result;
  },
};

const config: LifecycleConfig | undefined = env.WORKER_LIFECYCLE_CONFIG;
const activities = createWarningActivities({
  store,
  sms,
  calendar: () => loadWorkingCalendar(store),
  clock: () => new Date(),
  recipients: createDirectoryRecipients({ staff: processStaffDirectory, citizenPhone: citizenPhoneResolver(store, vault) }),
  onTimerLateness: (key, ms) => report({ lateness: { key, ms } }),
  log: (line) => report({ log: line }),
});

const address = env.TEMPORAL_ADDRESS;
const connection = await NativeConnection.connect({ address });
const client = new Client({ connection: await Connection.connect({ address }) });
const bundlePath = env.WORKER_BUNDLE_PATH;
const worker = await createWarningWorker({
  connection,
  taskQueue: env.WORKER_TASK_QUEUE,
  activities,
  ...(bundlePath ? { workflowBundle: { code: readFileSync(bundlePath, 'utf8'), sourceMap: readFileSync(`${bundlePath}.map`, 'utf8') } } : {}),
});
const running = worker.run();
const forwarder =
  env.WORKER_FORWARDER === '1'
    ? startWarningForwarder({
        store,
        client,
        taskQueue: env.WORKER_TASK_QUEUE,
        ...(config ? { config } : {}),
        pollIntervalMs: 50,
        onError: (error) => report({ log: `forwarder: ${String(error)} (retrying)` }),
      })
    : null;

let stopping = false;
process.on('SIGTERM', () => {
  if (stopping) return;
  stopping = true;
  void (async () => {
    await forwarder?.stop();
    worker.shutdown();
    await running.catch(() => {});
    await connection.close();
    await client.connection.close();
    await store.close();
    await smsDb.destroy();
    process.exit(0);
  })();
});
report({ ready: true, pid: process.pid });
await running.catch((error: unknown) => {
  console.error(`worker stopped: ${String(error)}`);
  process.exit(1);
});
