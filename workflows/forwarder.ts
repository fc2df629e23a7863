import type { Client } from '@temporalio/client';
import { subscribers } from '../core/eventstore/subscribers.ts';
import type { EventStore, RecordedEvent, Subscription } from '../core/eventstore/types.ts';
import { inSpan } from '../core/telemetry/trace.ts';
import { warningIdOf } from '../core/warning/stream.ts';
import { workflowActor } from './activities.ts';
import type { SignalOutcome } from './client.ts';
import { signalWarningEvent } from './client.ts';
import type { LifecycleConfig } from './config.ts';

export const warningForwarderId = subscribers.warningForwarder.id;

/** Appended by the workflow's activities: never a stream's first event, which starts the workflow. */
const ownEvent = (event: RecordedEvent): boolean => event.streamVersion > 1 && event.metadata.actor?.id === workflowActor.id;

/**
 * The checkpointed forwarder: follows every `warning-…` stream and signals each event to its
 * warning's workflow (signalWithStart). Delivery is at least once — the checkpoint is saved after a
 * batch is signalled — and the workflow drops duplicates by event id.
 *
 * Events the workflow's own activities appended (actor `workflowActor`) are not signalled: the
 * activity that appended one returns it to the workflow (a retry too, since it returns every event
 * after the version the workflow knows), so a signal would only be a duplicate in its history and
 * one more workflow task. A stream's first event is always signalled: it starts the workflow, whoever
 * raised the warning. `onForwarded` hears of signalled events only.
 */
export const startWarningForwarder = (options: {
  readonly store: EventStore;
  readonly client: Client;
  readonly taskQueue: string;
  readonly config?: LifecycleConfig;
  readonly subscriberId?: string;
  readonly batchSize?: number;
  readonly pollIntervalMs?: number;
  readonly onError?: (error: unknown) => void;
  readonly onForwarded?: (event: RecordedEvent, outcome: SignalOutcome) => void;
}): Subscription =>
  options.store.subscribe({
    subscriberId: options.subscriberId ?? warningForwarderId,
    categories: [...subscribers.warningForwarder.categories],
    ...(options.batchSize ? { batchSize: options.batchSize } : {}),
    ...(options.pollIntervalMs ? { pollIntervalMs: options.pollIntervalMs } : {}),
    ...(options.onError ? { onError: options.onError } : {}),
    handle: async (events) => {
      // In log order, one at a time: a warning's events reach its workflow in stream order.
      for (const event of events) {
        const warningId = warningIdOf(event.streamId);
        if (warningId === null || ownEvent(event)) continue;
        // The span is the parent of the Temporal client's own (signalWithStart) when tracing is on.
        const outcome = await inSpan('warning.forward', { parent: event.metadata.traceparent, attributes: { 'pinggai.event.id': event.id } }, () =>
          signalWarningEvent(
            options.client,
            { taskQueue: options.taskQueue, ...(options.config ? { config: options.config } : {}) },
            warningId,
            { eventId: event.id, type: event.type, data: event.data, streamVersion: event.streamVersion },
          ),
        );
        options.onForwarded?.(event, outcome);
      }
    },
  });
