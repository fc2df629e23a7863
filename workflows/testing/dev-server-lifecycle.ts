/**
 * The warning lifecycle on a running Temporal server (the dev server at TEMPORAL_ADDRESS) for tests
 * that need a real clock: a worker loading the workflow from its source path, with the lifecycle
 * harness's staff directory and the development outbox, and the forwarder starting workflows from
 * `store`. The caller owns the store and its database.
 */
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { Kysely } from 'kysely';
import { loadWorkingCalendar } from '../../core/calendar/load.ts';
import type { EventStore, Subscription } from '../../core/eventstore/types.ts';
import { generatePiiKeyring } from '../../core/pii/keyring.ts';
import { createPiiVault } from '../../core/pii/vault.ts';
import { createOutboxSmsGateway } from '../../core/sms/outbox.ts';
import type { SmsDatabase } from '../../core/sms/send-log.ts';
import { createWarningActivities } from '../activities.ts';
import type { LifecycleConfig } from '../config.ts';
import { startWarningForwarder } from '../forwarder.ts';
import { recipients } from '../lifecycle-harness.ts';
import { createWarningWorker } from '../worker.ts';

export interface DevServerLifecycle {
  readonly client: Client;
  readonly forwarder: Subscription;
  /** Stops the forwarder, then the worker, then both connections. */
  close(): Promise<void>;
}

export const startDevServerLifecycle = async (options: {
  readonly address: string;
  readonly taskQueue: string;
  readonly store: EventStore;
  readonly db: Kysely<unknown>;
  /** The clocks new workflows start with (default: the forwarder's). */
  readonly config?: LifecycleConfig;
}): Promise<DevServerLifecycle> => {
  const { address, taskQueue, store } = options;
  const sms = createOutboxSmsGateway({ db: options.db as Kysely<SmsDatabase>, vault: createPiiVault({ keyring: generatePiiKeyring() }) });
  const connection = await NativeConnection.connect({ address });
  const client = new Client({ connection: await Connection.connect({ address }) });
  const activities = createWarningActivities({ store, sms, recipients, calendar: () => loadWorkingCalendar(store), clock: () => new Date(), log: () => {} });
  const worker = await createWarningWorker({ connection, taskQueue, activities });
  const running = worker.run();
  const forwarder = startWarningForwarder({ store, client, taskQueue, pollIntervalMs: 20, ...(options.config ? { config: options.config } : {}) });
  return {
    client,
    forwarder,
    async close() {
      await forwarder.stop();
      worker.shutdown();
      await running;
      await connection.close();
      await client.connection.close();
    },
  };
};
