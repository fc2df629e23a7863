import type { Kysely } from 'kysely';
import type {
  CheckpointStore,
  EventStore,
  LogPosition,
  SubscriptionStatus,
} from '../../core/eventstore/types.ts';
import { eventSpans } from '../../core/telemetry/trace.ts';
import { ProjectorConflict, applyBatch, loadCheckpoint } from './checkpoints.ts';
import { completeUnfinishedRebuild } from './rebuild.ts';
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
  const subscription = deps.store.subscribe({
    subscriberId: projectorIdOf(projection),
    categories: projection.categories,
    batchSize: options.batchSize ?? 500,
    ...(options.pollIntervalMs !== undefined ? { pollIntervalMs: options.pollIntervalMs } : {}),
    checkpoints,
    handle: async (events) => {
      const spans = eventSpans(`projection ${projection.name}`, events);
      try {
        expected = await applyBatch(deps.db, projection, schema, expected, events);
        spans.end();
      } catch (error) {
        spans.end(error);
        if (error instanceof ProjectorConflict) {
          failed = error;
          void subscription.stop();
        }
        throw error;
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
