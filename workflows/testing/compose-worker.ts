/**
 * The warning worker composed like infra/app/warning-lifecycle.ts (lifecycle worker, optional
 * checkpointed forwarder, citizen phones from the PII vault), with the hooks the crash test and the
 * benchmark need: the timer-lateness hook, a log of first sends, a prebuilt bundle, and the choice of
 * the development outbox or the Aliyun adapter (pointed at the provider emulator in tests).
 */
import { appendFileSync } from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { NativeConnection } from '@temporalio/worker';
import type { Kysely } from 'kysely';
import { loadWorkingCalendar } from '../../core/calendar/load.ts';
import type { EventStore } from '../../core/eventstore/types.ts';
import type { PiiVault } from '../../core/pii/vault.ts';
import { createOutboxSmsGateway } from '../../core/sms/outbox.ts';
import type { AliyunSmsConfig } from '../../core/sms/aliyun/gateway.ts';
import { createAliyunSmsGateway } from '../../core/sms/aliyun/gateway.ts';
import type { SmsDatabase } from '../../core/sms/send-log.ts';
import type { SmsGateway } from '../../core/sms/types.ts';
import { citizenPhoneResolver } from '../../infra/app/citizen-phone.ts';
import { createWarningActivities } from '../activities.ts';
import type { LifecycleConfig } from '../config.ts';
import { startWarningForwarder } from '../forwarder.ts';
import { createDirectoryRecipients } from '../recipients.ts';
import { createWarningWorker } from '../worker.ts';
import { processStaffDirectory } from './worker-options.ts';

export interface ComposedWorkerDeps {
  readonly store: EventStore;
  readonly smsDb: Kysely<SmsDatabase>;
  readonly vault: PiiVault;
  readonly temporalAddress: string;
  readonly taskQueue: string;
  readonly bundle?: WorkflowBundleWithSourceMap;
  readonly config?: LifecycleConfig;
  readonly forwarder: boolean;
  /** Send through the Aliyun adapter (e.g. to a local emulator) instead of the development outbox. */
  readonly aliyun?: AliyunSmsConfig;
  /** File that gets one JSON line per message the outbox accepted for the first time. */
  readonly smsLog?: string;
  readonly onTimerLateness?: (key: string, ms: number) => void;
  readonly log: (line: string) => void;
}

export interface ComposedWorker {
  /** Workflows held in the worker's sticky cache, and the cache's limit. */
  cache(): { readonly cached: number; readonly max: number };
  stop(): Promise<void>;
  /** Settles when the worker stops (rejects when it fails). */
  readonly running: Promise<void>;
}

export const composeWarningWorker = async (deps: ComposedWorkerDeps): Promise<ComposedWorker> => {
  const outbox = deps.aliyun
    ? createAliyunSmsGateway(deps.aliyun, { db: deps.smsDb, vault: deps.vault })
    : createOutboxSmsGateway({ db: deps.smsDb, vault: deps.vault });
  const { smsLog } = deps;
  // The provider log: a retry that finds its key already stored gets `duplicate: true` and sent nothing.
  const sms: SmsGateway = {
    provider: outbox.provider,
    async send(message) {
      const result = await outbox.send(message);
      if (smsLog && !result.duplicate) appendFileSync(smsLog, `${JSON.stringify({ key: message.idempotencyKey, pid: process.pid })}\n`);
      return result;
    },
  };
  const activities = createWarningActivities({
    store: deps.store,
    sms,
    calendar: () => loadWorkingCalendar(deps.store),
    clock: () => new Date(),
    recipients: createDirectoryRecipients({ staff: processStaffDirectory, citizenPhone: citizenPhoneResolver(deps.store, deps.vault) }),
    ...(deps.onTimerLateness ? { onTimerLateness: deps.onTimerLateness } : {}),
    log: deps.log,
  });
  const connection = await NativeConnection.connect({ address: deps.temporalAddress });
  const client = new Client({ connection: await Connection.connect({ address: deps.temporalAddress }) });
  const worker = await createWarningWorker({
    connection,
    taskQueue: deps.taskQueue,
    activities,
    ...(deps.bundle ? { workflowBundle: deps.bundle } : {}),
  });
  const running = worker.run();
  const forwarder = deps.forwarder
    ? startWarningForwarder({
        store: deps.store,
        client,
        taskQueue: deps.taskQueue,
        ...(deps.config ? { config: deps.config } : {}),
        pollIntervalMs: 50,
        onError: (error) => deps.log(`forwarder: ${String(error)} (retrying)`),
      })
    : null;
  return {
    running,
    cache: () => ({ cached: worker.getStatus().numCachedWorkflows, max: worker.options.maxCachedWorkflows }),
    async stop() {
      await forwarder?.stop();
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running.catch(() => {});
      await connection.close();
      await client.connection.close();
    },
  };
};
