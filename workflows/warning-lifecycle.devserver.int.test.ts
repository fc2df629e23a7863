import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleCommand } from '../core/decider/command-handler.ts';
import { createPgliteEventStore } from '../core/eventstore/pglite.ts';
import type { EventStore, RecordedEvent, Subscription } from '../core/eventstore/types.ts';
import type { WarningCommand } from '../core/warning/commands.ts';
import { warningDecider } from '../core/warning/decider.ts';
import { warningStreamId } from '../core/warning/stream.ts';
import { actors, evidence, raiseCommand } from '../core/warning/testing.ts';
import { createTestPglite } from '../tests/support/databases.ts';
import { needs, testEnv } from '../tests/support/env.ts';
import { workflowActor } from './activities.ts';
import type { SignalOutcome } from './client.ts';
import { startWarningForwarder } from './forwarder.ts';
import type { WarningEventSignal } from './signals.ts';
import { startDevServerLifecycle } from './testing/dev-server-lifecycle.ts';

/**
 * The same lifecycle on the Temporal dev server (real clock, so only the staff-driven path): the
 * worker loads the workflow from its source path, the forwarder starts the workflow, and a
 * forwarder replaying from position 0 starts nothing again once the warning is closed.
 */
describe.runIf(needs('warning lifecycle on the Temporal dev server', 'TEMPORAL_ADDRESS'))('warning lifecycle on the dev server', () => {
  let store: EventStore;
  let close: () => Promise<void>;
  let client: Client;
  let forwarder: Subscription;
  const taskQueue = `warnings-dev-${randomUUID()}`;

  beforeAll(async () => {
    const { pglite, db } = await createTestPglite();
    store = createPgliteEventStore({ pglite, db });
    const lifecycle = await startDevServerLifecycle({ address: testEnv('TEMPORAL_ADDRESS')!, taskQueue, store, db });
    ({ client, forwarder } = lifecycle);
    close = async () => {
      await lifecycle.close();
      await store.close();
      await pglite.close();
    };
  });
  afterAll(async () => close?.());

  const act = (warningId: string, command: WarningCommand) =>
    handleCommand(store, warningStreamId(warningId), warningDecider, command, { commandId: randomUUID(), actor: command.actor, now: command.at });
  const until = async (warningId: string, type: string, count = 1): Promise<RecordedEvent[]> => {
    for (let attempt = 0; attempt < 600; attempt++) {
      const events = await store.readStream(warningStreamId(warningId));
      if (events.filter((e) => e.type === type).length >= count) return events;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`timed out waiting for ${type}`);
  };

  it('raised → dispatched → replied → dual call-back → closed; re-forwarding starts nothing again', async () => {
    const id = `w-dev-${randomUUID()}`;
    const now = () => new Date();
    const at = now();
    await act(id, {
      ...raiseCommand(id),
      at,
      dispatch: { reminderAt: new Date(at.getTime() + 45 * 60_000).toISOString(), dueAt: new Date(at.getTime() + 60 * 60_000).toISOString() },
    });
    await until(id, 'DispatchersAlerted');
    await act(id, { type: 'DispatchWarning', at: now(), actor: actors.dispatcher });
    await until(id, 'ReplyDeadlineSet');
    await act(id, { type: 'ReplyToWarning', text: '已整改', evidence: [evidence(1)], at: now(), actor: actors.lead });
    await until(id, 'CallbackDeadlinesSet');
    await act(id, { type: 'RecordPhoneCallback', calledAt: now(), satisfied: true, notes: '满意', at: now(), actor: actors.officer });
    await act(id, { type: 'RecordOnSiteCheck', checkedAt: now(), satisfied: true, notes: '已整改', photo: evidence(2), at: now(), actor: actors.officer });
    expect(await client.workflow.getHandle(id).result()).toMatchObject({ outcome: 'rectified' });
    const events = await until(id, 'CitizenNotified', 3);
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    await forwarder.caughtUp();
    // The forwarder signals what people and the policy did; the workflow's own facts come back from
    // its activities. (A signal that arrives after the run completed is not in its history.)
    const history = (await client.workflow.getHandle(id).fetchHistory()).events ?? [];
    const signalled = history.flatMap((e) => {
      const payload = e.workflowExecutionSignaledEventAttributes?.input?.payloads?.[0];
      return payload ? [client.options.loadedDataConverter.payloadConverter.fromPayload<WarningEventSignal>(payload).eventId] : [];
    });
    const own = events.filter((e) => e.streamVersion > 1 && e.metadata.actor?.id === workflowActor.id).map((e) => e.id);
    expect(own.length, 'the workflow appended facts of its own').toBeGreaterThan(0);
    expect(signalled, 'the raising and the staff actions were signalled').toContain(events[0]!.id);
    expect(signalled.filter((eventId) => own.includes(eventId)), 'none of its own').toEqual([]);

    const outcomes: SignalOutcome[] = [];
    const again = startWarningForwarder({
      store,
      client,
      taskQueue,
      subscriberId: `forwarder-again-${randomUUID()}`,
      pollIntervalMs: 20,
      onForwarded: (event, outcome) => {
        if (event.streamId === warningStreamId(id)) outcomes.push(outcome);
      },
    });
    await again.caughtUp();
    await again.stop();
    expect(new Set(outcomes)).toEqual(new Set(['workflow_closed']));
    expect((await client.workflow.getHandle(id).describe()).status.name).toBe('COMPLETED');
  });
});
