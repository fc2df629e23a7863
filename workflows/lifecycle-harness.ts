/**
 * Everything a lifecycle test needs, all real: an in-memory PGlite event store with the migrations,
 * the development SMS outbox, the warning decider through handleCommand, the Java time-skipping
 * Temporal test server, a worker and the checkpointed forwarder. The test server's clock starts at a
 * fixed instant (libfaketime) so deadlines can cross the 2026 holidays.
 */
import { randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Kysely } from 'kysely';
import type { Worker } from '@temporalio/worker';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { loadWorkingCalendar } from '../core/calendar/load.ts';
import { handleCommand } from '../core/decider/command-handler.ts';
import { createPgliteEventStore } from '../core/eventstore/pglite.ts';
import type { EventStore, RecordedEvent, Subscription } from '../core/eventstore/types.ts';
import { generatePiiKeyring } from '../core/pii/keyring.ts';
import { createPiiVault } from '../core/pii/vault.ts';
import { createOutboxSmsGateway } from '../core/sms/outbox.ts';
import type { SmsDatabase } from '../core/sms/send-log.ts';
import type { WarningCommand } from '../core/warning/commands.ts';
import { warningDecider } from '../core/warning/decider.ts';
import { warningStreamId } from '../core/warning/stream.ts';
import { createTestPglite } from '../tests/support/databases.ts';
import { createWarningActivities } from './activities.ts';
import { startWarningForwarder } from './forwarder.ts';
import { createDirectoryRecipients } from './recipients.ts';
import { bundleWarningWorkflows, createWarningWorker } from './worker.ts';

const libfaketime = ['/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1', '/usr/lib/faketime/libfaketime.so.1'].find((file) =>
  existsSync(file),
);

/** True when libfaketime is installed; otherwise prints why the block skips. */
export const hasFaketime = (): boolean => {
  if (!libfaketime) console.warn('[skip] warning lifecycle time-skipping tests: libfaketime not found (apt-get install faketime)');
  return libfaketime !== undefined;
};

const staff = (id: string, phone: string) => [{ id, phone }];
export const recipients = createDirectoryRecipients({
  staff: {
    dispatchers: staff('dispatcher-1', '13800000001'),
    supervisor: staff('supervisor-1', '13800000002'),
    working_group: staff('working-group-1', '13800000003'),
    department_handlers: staff('handler-1', '13800000004'),
    department_head: staff('head-1', '13800000005'),
    district_leader: staff('leader-1', '13800000006'),
    callback_officers: staff('officer-1', '13800000007'),
    operators: staff('operator-1', '13800000008'),
  },
  citizenPhone: async (ref) => (ref === 'pii:contact-1' ? '13912345678' : null),
});

export interface LifecycleHarness {
  readonly env: TestWorkflowEnvironment;
  readonly store: EventStore;
  readonly db: Kysely<SmsDatabase>;
  readonly taskQueue: string;
  now(): Promise<Date>;
  /** Skips the test server's clock forward to the instant (never backwards). */
  advanceTo(instant: Date): Promise<void>;
  act(warningId: string, command: WarningCommand): Promise<void>;
  events(warningId: string): Promise<RecordedEvent[]>;
  /** Polls the stream (real time) until the predicate holds; throws with the stream's types if it never does. */
  until(warningId: string, predicate: (events: RecordedEvent[]) => boolean, what: string): Promise<RecordedEvent[]>;
  /** Resolves once the forwarder has signalled everything appended so far. */
  forwarded(): Promise<void>;
  close(): Promise<void>;
}

export const startLifecycleHarness = async (startAt: string): Promise<LifecycleHarness> => {
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // already installed by an earlier harness in this process
  }
  const serverPath = process.env.TEMPORAL_TEST_SERVER_PATH!;
  const dir = mkdtempSync(path.join(tmpdir(), 'pinggai-ts-'));
  const wrapper = path.join(dir, 'temporal-test-server');
  // libfaketime's "@" start: the clock starts at this instant and then runs; the server skips from
  // there. exec keeps one process, so the environment's teardown stops the server itself.
  writeFileSync(wrapper, `#!/bin/sh\nLD_PRELOAD='${libfaketime}' FAKETIME='@${startAt}' exec '${serverPath}' "$@"\n`);
  chmodSync(wrapper, 0o755);

  const { pglite, db } = await createTestPglite();
  const store = createPgliteEventStore({ pglite, db });
  const smsDb = db as unknown as Kysely<SmsDatabase>;
  const sms = createOutboxSmsGateway({ db: smsDb, vault: createPiiVault({ keyring: generatePiiKeyring() }) });
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: wrapper } },
  });
  const taskQueue = `warnings-${randomUUID()}`;
  const activities = createWarningActivities({
    store,
    sms,
    recipients,
    calendar: () => loadWorkingCalendar(store),
    clock: () => new Date(),
    log: () => {},
  });
  const worker: Worker = await createWarningWorker({
    connection: env.nativeConnection,
    taskQueue,
    activities,
    workflowBundle: await bundleWarningWorkflows(),
  });
  const running = worker.run();
  const forwarder: Subscription = startWarningForwarder({ store, client: env.client, taskQueue, pollIntervalMs: 20 });

  const now = async () => new Date(await env.currentTimeMs());
  const events = (warningId: string) => store.readStream(warningStreamId(warningId));
  return {
    env,
    store,
    db: smsDb,
    taskQueue,
    now,
    async advanceTo(instant) {
      const ms = instant.getTime() - (await now()).getTime();
      if (ms > 0) await env.sleep(ms);
    },
    async act(warningId, command) {
      await handleCommand(store, warningStreamId(warningId), warningDecider, command, {
        commandId: randomUUID(),
        actor: command.actor,
        now: command.at,
      });
    },
    events,
    forwarded: () => forwarder.caughtUp(),
    async until(warningId, predicate, what) {
      for (let attempt = 0; attempt < 600; attempt++) {
        const current = await events(warningId);
        if (predicate(current)) return current;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const types = (await events(warningId)).map((e) => e.type).join(', ');
      throw new Error(`timed out waiting for ${what}; stream: ${types}`);
    },
    async close() {
      await forwarder.stop();
      worker.shutdown();
      await running;
      await env.teardown();
      await store.close();
      await pglite.close();
    },
  };
};
