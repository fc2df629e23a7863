import { randomUUID } from 'node:crypto';
import { NativeConnection } from '@temporalio/worker';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgliteEventStore } from '../../core/eventstore/pglite.ts';
import type { EventStore } from '../../core/eventstore/types.ts';
import { generatePiiKeyring } from '../../core/pii/keyring.ts';
import { createPiiVault } from '../../core/pii/vault.ts';
import { createOutboxSmsGateway } from '../../core/sms/outbox.ts';
import type { SmsDatabase } from '../../core/sms/send-log.ts';
import { createTestPglite } from '../../tests/support/databases.ts';
import { needs, testEnv } from '../../tests/support/env.ts';
import { runWarningWorker } from './warning-lifecycle.ts';

/**
 * The warning worker's owner hears when the worker ends without being asked to: every warning's clock
 * stops with it, so the composition roots exit non-zero and their supervisor starts a new process.
 * Asked to stop, it ends quietly.
 */
describe.runIf(needs('the warning worker against a Temporal server', 'TEMPORAL_ADDRESS'))('the warning worker’s end', () => {
  let store: EventStore;
  let db: Kysely<unknown>;
  let connection: NativeConnection;
  let close: () => Promise<void>;

  beforeAll(async () => {
    const test = await createTestPglite();
    db = test.db;
    store = createPgliteEventStore(test);
    connection = await NativeConnection.connect({ address: testEnv('TEMPORAL_ADDRESS')! });
    close = async () => {
      await connection.close();
      await store.close();
      await test.pglite.close();
    };
  });
  afterAll(async () => close?.());

  const start = (onWorkerFailed: (error: unknown) => void, lines: string[]) => {
    const vault = createPiiVault({ keyring: generatePiiKeyring() });
    return runWarningWorker({
      store,
      vault,
      sms: createOutboxSmsGateway({ db: db as Kysely<SmsDatabase>, vault }),
      connection,
      namespace: 'default',
      taskQueue: `warnings-end-${randomUUID()}`,
      staff: {},
      clock: () => new Date(),
      log: (line) => lines.push(line),
      onWorkerFailed,
    });
  };

  it('a worker that ends on its own is reported once, with a line that says the clocks stopped', async () => {
    const failures: unknown[] = [];
    const lines: string[] = [];
    const running = await start((error) => failures.push(error), lines);
    running.worker.shutdown(); // what a fatal poll error or the native runtime going away amounts to
    for (let waited = 0; failures.length === 0 && waited < 30_000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
    await running.stop();
    expect(failures).toHaveLength(1);
    expect(String(failures[0])).toContain('ended on its own');
    expect(lines.join('\n')).toContain('warning worker failed, no warning clock runs until it is restarted');
  });

  it('a worker asked to stop is not a failure', async () => {
    const failures: unknown[] = [];
    const running = await start((error) => failures.push(error), []);
    await running.stop();
    expect(failures).toEqual([]);
  });
});
