import type { Kysely } from 'kysely';
import type {
  CheckpointStore,
  EventStore,
  LogPosition,
  RecordedEvent,
  SubscriptionStatus,
} from '../../core/eventstore/types.ts';
import { eventSpans } from '../../core/telemetry/trace.ts';
import { ProjectorConflict, applyBatch, loadCheckpoint } from './checkpoints.ts';
import { completeUnfinishedRebuild } from './rebuild.ts';
import { ProjectorStuck, clearFailure, recordFailure } from './failures.ts';
import type { AnyProjection } from './types.ts';
import { projectorIdOf, schemaOf } from './types.ts';

export interface ProjectorDeps {
  readonly store: EventStore;
  /** The database of the read models: the same database as the event store (PGlite: the same kysely). */
  readonly db: Kysely<unknown>;
}

export interface ProjectorOptions {
  readonly batchSize?: number;
  readonly pollIntervalMs?: number;
  readonly onError?: (error: unknown) => void;
}

export interface Projector {
  readonly projection: AnyProjection;
  status(): SubscriptionStatus & { readonly failed: unknown };
  /** Resolves once everything committed before the call is applied. */
  caughtUp(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Runs one version of a projection live: catches up from its checkpoint, then follows the log.
 * It rides on the store's subscription (wake-ups, gap-free order, stall reports) with a checkpoint
 * store of its own whose `save` does nothing, because each batch already moved the checkpoint inside
 * the transaction that wrote its rows. A failed batch rolls back and is retried from the same position;
 * a projector that finds its checkpoint moved by another one stops (see `ProjectorConflict`). Before
 * its first batch it finishes what a rebuild of its version that died left undone.
 */
export const startProjector = (
  deps: ProjectorDeps,
  projection: AnyProjection,
  options: ProjectorOptions = {},
): Projector => {
  const schema = schemaOf(projection);
  let expected: LogPosition | null = null;
  let failed: unknown = null;
  const checkpoints: CheckpointStore = {
    async load() {
      await completeUnfinishedRebuild(deps.db, projection);
      expected = await loadCheckpoint(deps.db, projection);
      return expected;
    },
    async save() {},
  };
  // True until a batch has cleared the failure a previous run may have left, and after each failure.
  let failureRecorded = true;

  /**
   * A batch failed: applies its events one at a time, each in its own transaction, so that the read
   * model gets as far as it can and the event that fails is named (`app.projection_failures`, which
   * `npm run ops` shows and `/metrics` serves as `pinggai_projector_failing_seconds`). Nothing is
   * skipped: the subscription retries that event, backing off, until the projection's code is fixed. When every event succeeds alone,
   * the failure was passing and the batch is done.
   */
  const narrowDown = async (events: readonly RecordedEvent[], batchError: unknown): Promise<void> => {
    if (events.length === 1) return stuckAt(events[0]!, batchError);
    for (const event of events) {
      try {
        expected = await applyBatch(deps.db, projection, schema, expected, [event]);
      } catch (error) {
        return stuckAt(event, error);
      }
    }
  };

  /** Another projector moved this version's checkpoint: this one stops for good (see `ProjectorConflict`). */
  const stopOnConflict = (error: unknown): void => {
    if (!(error instanceof ProjectorConflict)) return;
    failed = error;
    void subscription.stop();
    throw error;
  };

  const stuckAt = async (event: RecordedEvent, error: unknown): Promise<never> => {
    stopOnConflict(error);
    failureRecorded = true;
    // Best effort: when the database itself is what failed, this fails too, and the log says why.
    await recordFailure(deps.db, projection, event, error).catch(() => undefined);
    throw new ProjectorStuck(projection, event, error);
  };

  const subscription = deps.store.subscribe({
    subscriberId: projectorIdOf(projection),
    categories: projection.categories,
    batchSize: options.batchSize ?? 500,
    ...(options.pollIntervalMs !== undefined ? { pollIntervalMs: options.pollIntervalMs } : {}),
    checkpoints,
    handle: async (events) => {
      // Events at or before the checkpoint were applied while an earlier failed batch was narrowed
      // down (below); the subscription hands them over again because that batch as a whole failed.
      const fresh = expected === null ? events : events.filter((event) => event.logPosition > expected!);
      const spans = eventSpans(`projection ${projection.name}`, fresh);
      try {
        expected = await applyBatch(deps.db, projection, schema, expected, fresh);
        spans.end();
      } catch (error) {
        spans.end(error);
        stopOnConflict(error);
        await narrowDown(fresh, error);
      }
      if (failureRecorded) {
        await clearFailure(deps.db, projection);
        failureRecorded = false;
      }
    },
    onError: (error) => {
      if (options.onError) options.onError(error);
      else
        console.error(
          JSON.stringify({
            level: 'error',
            msg: 'projector batch failed; retrying',
            projector: projectorIdOf(projection),
            error: String(error),
          }),
        );
    },
  });
  return {
    projection,
    status: () => ({ ...subscription.status(), failed }),
    async caughtUp() {
      if (failed) throw failed;
      await subscription.caughtUp();
    },
    stop: () => subscription.stop(),
  };
};
