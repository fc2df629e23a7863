/**
 * One workflow per warning (workflow id = warning id). It owns time only: it learns what happened
 * from the warning's events (signals from the forwarder, and the events its own activities return),
 * deduplicated by event id and applied in stream order, and it acts through activities that issue
 * commands to the warning decider — whose answer stands when a timer and a person race.
 */
import {
  ActivityFailure,
  condition,
  continueAsNew,
  log,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { WarningEvent } from '../core/warning/events.ts';
import { evolve } from '../core/warning/evolve.ts';
import type { WarningState } from '../core/warning/state.ts';
import { initialWarningState } from '../core/warning/state.ts';
import type { WarningActivities } from './activities.ts';
import type { LifecycleConfig } from './config.ts';
import { defaultLifecycleConfig } from './config.ts';
import type { PlannedAction } from './plan.ts';
import { planActions } from './plan.ts';
import type { WarningEventSignal } from './signals.ts';
import { progressQuery, warningEventSignal } from './signals.ts';

export interface WarningLifecycleInput {
  readonly warningId: string;
  readonly config?: LifecycleConfig;
  /** Set by continueAsNew: what the previous run had learnt and done. */
  readonly carried?: {
    readonly state: WarningState;
    readonly streamVersion: number;
    readonly attempted: readonly string[];
    readonly buffered: readonly WarningEventSignal[];
  };
}

export interface WarningLifecycleResult {
  readonly warningId: string;
  readonly outcome: string | null;
  readonly streamVersion: number;
}

const activities = proxyActivities<WarningActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', backoffCoefficient: 2 },
});

export async function warningLifecycle(input: WarningLifecycleInput): Promise<WarningLifecycleResult> {
  const config = input.config ?? defaultLifecycleConfig;
  let state: WarningState = input.carried?.state ?? initialWarningState;
  let streamVersion = input.carried?.streamVersion ?? 0;
  const attempted = new Set(input.carried?.attempted ?? []);
  const buffered = new Map<number, WarningEventSignal>();
  const seenIds = new Set<string>();
  let changes = 0;

  const receive = (event: WarningEventSignal): void => {
    if (event.streamVersion <= streamVersion || seenIds.has(event.eventId) || buffered.has(event.streamVersion)) return;
    seenIds.add(event.eventId);
    buffered.set(event.streamVersion, event);
    for (let next = buffered.get(streamVersion + 1); next; next = buffered.get(streamVersion + 1)) {
      buffered.delete(next.streamVersion);
      state = evolve(state, { type: next.type, data: next.data } as WarningEvent);
      streamVersion = next.streamVersion;
      changes++;
    }
  };
  for (const event of input.carried?.buffered ?? []) receive(event);

  setHandler(warningEventSignal, receive);
  setHandler(progressQuery, () => ({
    phase: state.phase,
    streamVersion,
    pendingKeys: state.phase === 'none' ? [] : planActions(state, config).map((p) => p.key),
  }));

  const perform = async (planned: PlannedAction): Promise<void> => {
    attempted.add(planned.key);
    try {
      const events = await activities.performLifecycleAction({
        warningId: input.warningId,
        key: planned.key,
        action: planned.action,
        at: new Date(Date.now()).toISOString(),
        config,
        knownVersion: streamVersion,
      });
      events.forEach(receive);
    } catch (error) {
      // A refusal (non-retryable) means the decider judged this step moot; the state decides what's next.
      if (!(error instanceof ActivityFailure)) throw error;
      log.warn('lifecycle action refused', { key: planned.key, message: error.cause?.message ?? error.message });
    }
  };

  for (;;) {
    if (buffered.size > 0) {
      // A gap in the stream (the forwarder has not caught up yet, or we started mid-stream): read it.
      (await activities.readWarningEvents({ warningId: input.warningId, fromVersion: streamVersion + 1 })).forEach(receive);
    }
    if (state.phase === 'none') {
      const seen = changes;
      const waiting = buffered.size;
      await condition(() => changes !== seen || buffered.size !== waiting);
      continue;
    }
    const planned = planActions(state, config).filter((p) => !attempted.has(p.key));
    if (state.phase === 'closed' && planned.length === 0) {
      return { warningId: input.warningId, outcome: state.outcome, streamVersion };
    }
    const now = Date.now();
    const due = planned.find((p) => p.at <= now);
    if (due) {
      await perform(due);
      continue;
    }
    if (workflowInfo().historyLength >= config.continueAsNewAfterEvents || workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof warningLifecycle>({
        warningId: input.warningId,
        config,
        carried: { state, streamVersion, attempted: [...attempted], buffered: [...buffered.values()] },
      });
    }
    const seen = changes;
    const next = planned.reduce((earliest, p) => Math.min(earliest, p.at), Number.POSITIVE_INFINITY);
    const woken = () => changes !== seen;
    if (next === Number.POSITIVE_INFINITY) await condition(woken);
    else await condition(woken, next - now);
  }
}
