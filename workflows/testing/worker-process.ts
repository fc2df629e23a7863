/**
 * The warning worker as its own OS process, for the crash test and the benchmark: the lifecycle
 * worker and (optionally) the checkpointed forwarder over a Postgres event store and the development
 * SMS outbox or the Aliyun adapter (compose-worker.ts). Run it as `node --import tsx workflows/testing/worker-process.ts` —
 * one process, so `kill -9` of its pid kills everything in it (the `tsx` launcher would leave its
 * node child behind).
 *
 * Reports on stdout, one JSON object per line: `{"ready":…}` once polling, `{"lateness":…}` from the
 * activities' onTimerLateness hook, `{"cache":…}` every WORKER_STATUS_EVERY_MS, `{"log":…}` lines.
 * Every message the outbox accepted for the first time is appended, synchronously, to WORKER_SMS_LOG.
 */
import { readFileSync } from 'node:fs';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import * as v from 'valibot';
import { createPgPool, postgresKysely } from '../../core/db/postgres.ts';
import { createPgEventStore } from '../../core/eventstore/pg.ts';
import { piiKeyringFromEnv } from '../../core/pii/keyring.ts';
import { createPiiVault } from '../../core/pii/vault.ts';
import { AliyunSmsConfigSchema } from '../../core/sms/aliyun/gateway.ts';
import type { SmsDatabase } from '../../core/sms/send-log.ts';
import { composeWarningWorker } from './compose-worker.ts';
import { lifecycleConfigSchema } from './worker-options.ts';

const envSchema = v.object({
  PINGGAI_PG_URL: v.pipe(v.string(), v.url()),
  TEMPORAL_ADDRESS: v.pipe(v.string(), v.minLength(3)),
  WORKER_TASK_QUEUE: v.pipe(v.string(), v.minLength(1)),
  /** Prebuilt workflow bundle (bundleWarningWorkflows' code, `.map` beside it): a restart does not bundle again. */
  WORKER_BUNDLE_PATH: v.optional(v.pipe(v.string(), v.minLength(1))),
  WORKER_LIFECYCLE_CONFIG: v.optional(v.pipe(v.string(), v.parseJson(), lifecycleConfigSchema)),
  WORKER_FORWARDER: v.optional(v.picklist(['0', '1']), '1'),
  WORKER_SMS_LOG: v.optional(v.pipe(v.string(), v.minLength(1))),
  /** Send through the Aliyun adapter with this configuration (JSON) instead of the development outbox. */
  WORKER_ALIYUN_CONFIG: v.optional(v.pipe(v.string(), v.parseJson(), AliyunSmsConfigSchema)),
  WORKER_STATUS_EVERY_MS: v.optional(v.pipe(v.string(), v.transform(Number), v.number(), v.integer(), v.minValue(100))),
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

const store = createPgEventStore({ connectionString: env.PINGGAI_PG_URL, poolSize: 10 });
const smsDb = postgresKysely<SmsDatabase>(createPgPool({ connectionString: env.PINGGAI_PG_URL, max: 4, applicationName: 'pinggai-worker-sms' }));
const bundlePath = env.WORKER_BUNDLE_PATH;
const composed = await composeWarningWorker({
  store,
  smsDb,
  vault: createPiiVault({ keyring: piiKeyringFromEnv(process.env) }),
  temporalAddress: env.TEMPORAL_ADDRESS,
  taskQueue: env.WORKER_TASK_QUEUE,
  ...(bundlePath ? { bundle: { code: readFileSync(bundlePath, 'utf8'), sourceMap: readFileSync(`${bundlePath}.map`, 'utf8') } } : {}),
  ...(env.WORKER_LIFECYCLE_CONFIG ? { config: env.WORKER_LIFECYCLE_CONFIG } : {}),
  forwarder: env.WORKER_FORWARDER === '1',
  ...(env.WORKER_SMS_LOG ? { smsLog: env.WORKER_SMS_LOG } : {}),
  ...(env.WORKER_ALIYUN_CONFIG ? { aliyun: env.WORKER_ALIYUN_CONFIG } : {}),
  onTimerLateness: (key, ms) => report({ lateness: { key, ms } }),
  log: (line) => report({ log: line }),
});

const statusEvery = env.WORKER_STATUS_EVERY_MS;
const status = statusEvery ? setInterval(() => report({ cache: composed.cache() }), statusEvery) : null;
let stopping = false;
process.on('SIGTERM', () => {
  if (stopping) return;
  stopping = true;
  void (async () => {
    if (status) clearInterval(status);
    await composed.stop();
    await store.close();
    await smsDb.destroy();
    process.exit(0);
  })();
});
report({ ready: true, pid: process.pid });
await composed.running.catch((error: unknown) => {
  console.error(`worker stopped: ${String(error)}`);
  process.exit(1);
});
