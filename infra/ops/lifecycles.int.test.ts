import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleCommand } from '../../core/decider/command-handler.ts';
import { createPgliteEventStore } from '../../core/eventstore/pglite.ts';
import type { EventStore, RecordedEvent, Subscription } from '../../core/eventstore/types.ts';
import { warningDecider } from '../../core/warning/decider.ts';
import { warningStreamId } from '../../core/warning/stream.ts';
import { raiseCommand } from '../../core/warning/testing.ts';
import type { Projections } from '../../projections/index.ts';
import { projectionRegistry, servingCheckpoint, startProjections } from '../../projections/index.ts';
import { createTestPglite } from '../../tests/support/databases.ts';
import { needs, testEnv } from '../../tests/support/env.ts';
import { signalWarningEvent } from '../../workflows/client.ts';
import { defaultLifecycleConfig } from '../../workflows/config.ts';
import { progressQuery } from '../../workflows/signals.ts';
import { startDevServerLifecycle } from '../../workflows/testing/dev-server-lifecycle.ts';
import { lifecyclesUsageProblem, runLifecyclesCommand } from './lifecycles-command.ts';

describe('npm run ops -- --lifecycles: arguments', () => {
  it('--repair goes with --lifecycles, and not with --retry-webhooks', () => {
    expect(lifecyclesUsageProblem({ repair: true })).toContain('--repair goes with --lifecycles');
    expect(lifecyclesUsageProblem({ lifecycles: true, 'retry-webhooks': true })).toContain('separate');
    expect(lifecyclesUsageProblem({ lifecycles: true, repair: true })).toBeNull();
  });
});

/**
 * An operator terminates a warning's workflow while the warning is open: its clocks stop, and the
 * forwarder cannot start it again (the closed id is refused, the event dropped). `--lifecycles`
 * names it (exit 1); `--lifecycles --repair` starts a new run that rebuilds the warning from its
 * stream, keeps the clocks it started with and sends the reminder that fell due while nothing ran;
 * the next check finds nothing.
 */
describe.runIf(needs('warning lifecycle repair on the Temporal dev server', 'TEMPORAL_ADDRESS'))('npm run ops -- --lifecycles [--repair]', () => {
  let store: EventStore;
  let db: Kysely<unknown>;
  let client: Client;
  let forwarder: Subscription;
  let projections: Projections;
  let close: () => Promise<void>;
  const taskQueue = `warnings-ops-${randomUUID()}`;
  const started: string[] = [];
  /** Not the default (two dispatch escalation levels): a run started again keeps the clocks its warning started with. */
  const startedWith = { ...defaultLifecycleConfig, dispatchEscalations: [{ level: 1, afterDueMs: 0, audiences: ['supervisor'] }] };

  beforeAll(async () => {
    const test = await createTestPglite();
    db = test.db;
    store = createPgliteEventStore(test);
    const lifecycle = await startDevServerLifecycle({ address: testEnv('TEMPORAL_ADDRESS')!, taskQueue, store, db, config: startedWith });
    ({ client, forwarder } = lifecycle);
    projections = await startProjections({ store, db }, projectionRegistry, { log: () => {} });
    close = async () => {
      for (const id of started) await client.workflow.getHandle(id).terminate('test over').catch(() => {});
      await projections.stop();
      await lifecycle.close();
      await store.close();
      await test.pglite.close();
    };
  });
  afterAll(async () => close?.());

  const ops = async (repair: boolean, env: Record<string, string> = {}) => {
    const lines: string[] = [];
    const code = await runLifecyclesCommand({
      db,
      store,
      env: { TEMPORAL_ADDRESS: testEnv('TEMPORAL_ADDRESS')!, PINGGAI_TASK_QUEUE: taskQueue, ...env },
      repair,
      json: false,
      now: new Date(),
      log: (line) => lines.push(line),
      warn: (line) => lines.push(line),
      write: () => {},
    });
    return { code, text: lines.join('\n') };
  };
  const until = async (warningId: string, type: string): Promise<RecordedEvent[]> => {
    for (let attempt = 0; attempt < 600; attempt++) {
      const events = await store.readStream(warningStreamId(warningId));
      if (events.some((e) => e.type === type)) return events;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`timed out waiting for ${type}`);
  };
  const sleepUntil = (at: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, at - Date.now())));

  it('a bad TEMPORAL_ADDRESS is a usage error (exit 2)', async () => {
    expect(await ops(false, { TEMPORAL_ADDRESS: 'not an address' })).toMatchObject({ code: 2, text: expect.stringContaining('TEMPORAL_ADDRESS must be host:port') });
  });

  it('reports an open warning whose workflow was terminated, starts it again with its state, then reports nothing', async () => {
    const id = `w-ops-${randomUUID()}`;
    started.push(id);
    const at = new Date();
    const reminderAt = at.getTime() + 8_000;
    const command = { ...raiseCommand(id), at, dispatch: { reminderAt: new Date(reminderAt).toISOString(), dueAt: new Date(at.getTime() + 3_600_000).toISOString() } };
    await handleCommand(store, warningStreamId(id), warningDecider, command, { commandId: randomUUID(), actor: command.actor, now: at });
    await until(id, 'DispatchersAlerted');
    await forwarder.caughtUp();
    await projections.caughtUp();
    expect(await ops(false), 'a running workflow is fine').toMatchObject({ code: 0 });

    const terminated = await client.workflow.getHandle(id).describe();
    await client.workflow.getHandle(id).terminate('operator: stuck worker drained');
    const last = (await store.readStream(warningStreamId(id))).at(-1)!;
    const event = { eventId: last.id, type: last.type, data: last.data, streamVersion: last.streamVersion };
    expect(await signalWarningEvent(client, { taskQueue }, id, event), 'the forwarder cannot start it again').toBe('workflow_closed');

    const check = await ops(false);
    expect(check.code).toBe(1);
    expect(check.text).toContain(id);
    expect(check.text).toContain('已终止 terminated');
    expect(check.text).toContain('npm run ops -- --lifecycles --repair');

    await sleepUntil(reminderAt + 500);
    const stalled = await store.readStream(warningStreamId(id));
    expect(stalled.map((e) => e.type), 'no clock runs while the workflow is terminated').not.toContain('DispatchReminderSent');

    const repair = await ops(true);
    expect(repair.text).toContain(`已重启 restarted ${id}`);
    expect(repair.code).toBe(0);
    const now = await client.workflow.getHandle(id).describe();
    expect(now.status.name).toBe('RUNNING');
    expect(now.runId).not.toBe(terminated.runId);

    const events = await until(id, 'DispatchReminderSent'); // due while nothing ran: sent at once by the new run
    expect(events.filter((e) => e.type === 'DispatchersAlerted'), 'what was done before is not done again').toHaveLength(1);
    let progress = await client.workflow.getHandle(id).query(progressQuery);
    for (let attempt = 0; attempt < 100 && progress.streamVersion < events.length; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      progress = await client.workflow.getHandle(id).query(progressQuery);
    }
    expect(progress).toEqual({ phase: 'awaiting_dispatch', streamVersion: events.length, pendingKeys: ['dispatch-escalation-1:0'] });

    const again = await ops(false);
    expect(again.code).toBe(0);
    expect(again.text).toContain('全部正常 every open warning has a running workflow');
    expect(again.text).not.toContain(id);
  });

  it('finds a stopped workflow of a warning the read model has not reached (its projector stopped)', async () => {
    await projections.stop();
    try {
      const id = `w-ops-unprojected-${randomUUID()}`;
      started.push(id);
      const command = raiseCommand(id);
      await handleCommand(store, warningStreamId(id), warningDecider, command, { commandId: randomUUID(), actor: command.actor, now: command.at });
      await until(id, 'DispatchersAlerted');
      await forwarder.caughtUp();
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from app.warnings where warning_id = ${id}`.execute(db);
      expect(rows[0]?.n, 'the read model has not seen it').toBe(0);
      await client.workflow.getHandle(id).terminate('operator: stuck worker drained');

      const check = await ops(false);
      expect(check.code).toBe(1);
      expect(check.text).toContain(`${id}  awaiting_dispatch  流程 workflow 已终止 terminated`);
      expect(check.text).toContain('1 not yet in the read model, read from the log');

      const repair = await ops(true);
      expect(repair.text).toContain(`已重启 restarted ${id}`);
      expect(repair.code).toBe(0);
      expect((await client.workflow.getHandle(id).describe()).status.name).toBe('RUNNING');
    } finally {
      projections = await startProjections({ store, db }, projectionRegistry, { log: () => {} });
    }
    await projections.caughtUp();
    const checkpoint = await servingCheckpoint(db, 'warnings');
    expect(checkpoint, 'the serving read model has a checkpoint').not.toBeNull();
    const beyond = await store.readAll({ after: checkpoint, limit: 100, categories: ['warning'] });
    expect(beyond.filter((e) => e.type === 'WarningRaised'), 'and it lies past every raised warning').toEqual([]);
    const last = await ops(false);
    expect(last, 'once projected, it is checked from the read model').toMatchObject({ code: 0, text: expect.not.stringContaining('not yet in the read model') });
    expect(last.text).not.toContain("raised after the read model's checkpoint");
  });
});
