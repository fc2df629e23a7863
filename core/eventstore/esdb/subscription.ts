import type {
  CheckpointStore,
  LogPosition,
  ReadAllOptions,
  RecordedEvent,
  SubscribeOptions,
  Subscription,
  SubscriptionStatus,
} from '../types.ts';
import { retryDelayMs } from '../subscription.ts';

/** What the EventStoreDB subscription needs from the store (already filtered and upcast). */
export interface EsdbSubscriptionSource {
  readAll(options: ReadAllOptions): Promise<RecordedEvent[]>;
  /** The newest event this subscriber would be given, or null when there is none. */
  headPosition(categories?: readonly string[]): Promise<LogPosition | null>;
  /** A live feed after `from` (exclusive; null = from the start), yielding batches in log order. */
  follow(from: LogPosition | null, categories: readonly string[] | undefined, batchSize: number): LiveBatches;
  readonly checkpoints: CheckpointStore;
}

export interface LiveBatches {
  readonly batches: AsyncIterable<RecordedEvent[]>;
  close(): Promise<void>;
}

/**
 * Catch up with `readAll` from the durable checkpoint, then follow live with ESDB's `$all`
 * subscription from the last delivered position. Anything at or before the checkpoint is dropped, so
 * the overlap between the two phases (and a resubscription after an error) never delivers twice.
 * Delivery is at-least-once across crashes (a batch handled but not yet checkpointed comes again).
 *
 * There is no "held back by an open transaction" here: an ESDB append is visible in `$all` when it is
 * acknowledged, so `onStall` is never called and `stalledForMs` stays 0.
 */
export const startEsdbSubscription = (options: SubscribeOptions, source: EsdbSubscriptionSource): Subscription => {
  const batchSize = options.batchSize ?? 500;
  const categories = options.categories;

  let running = true;
  let loaded = false;
  let checkpoint: LogPosition | null = null;
  let delivered = 0;
  let failures = 0;
  let caughtUp = false;
  let live: LiveBatches | null = null;
  let wakeSleeper: (() => void) | null = null;
  const waiters: { target: LogPosition; resolve: () => void; reject: (error: Error) => void }[] = [];

  const settleWaiters = () => {
    for (let i = waiters.length - 1; i >= 0; i--) {
      const waiter = waiters[i]!;
      if (checkpoint !== null && checkpoint >= waiter.target) {
        waiters.splice(i, 1);
        waiter.resolve();
      }
    }
  };

  const deliver = async (events: readonly RecordedEvent[]) => {
    const fresh = events.filter((event) => checkpoint === null || event.logPosition > checkpoint);
    if (fresh.length === 0) return;
    await options.handle(fresh);
    checkpoint = fresh[fresh.length - 1]!.logPosition;
    await source.checkpoints.save(options.subscriberId, checkpoint);
    delivered += fresh.length;
    failures = 0;
    settleWaiters();
  };

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(finish, ms);
      function finish() {
        clearTimeout(timer);
        wakeSleeper = null;
        resolve();
      }
      wakeSleeper = finish;
    });

  const catchUp = async () => {
    caughtUp = false;
    for (;;) {
      const batch = await source.readAll({ after: checkpoint, limit: batchSize, ...(categories ? { categories } : {}) });
      await deliver(batch);
      if (batch.length < batchSize || !running) break;
    }
    caughtUp = true;
    settleWaiters();
  };

  const followLive = async () => {
    live = source.follow(checkpoint, categories, batchSize);
    try {
      for await (const batch of live.batches) {
        if (!running) break;
        await deliver(batch);
      }
    } finally {
      const feed = live;
      live = null;
      await feed.close().catch(() => undefined);
    }
  };

  const loop = async () => {
    while (running) {
      try {
        if (!loaded) {
          checkpoint = await source.checkpoints.load(options.subscriberId);
          loaded = true;
        }
        await catchUp();
        failures = 0;
        if (running) await followLive();
      } catch (error) {
        if (!running) break;
        if (options.onError) options.onError(error);
        else {
          console.error(
            JSON.stringify({ level: 'error', msg: 'subscriber failed; resubscribing', subscriber: options.subscriberId, error: String(error) }),
          );
        }
        failures += 1;
        await sleep(retryDelayMs(failures));
      }
    }
  };

  const done = loop();

  return {
    subscriberId: options.subscriberId,
    status(): SubscriptionStatus {
      return { subscriberId: options.subscriberId, checkpoint, delivered, caughtUp, failures, stalledForMs: 0 };
    },
    async caughtUp() {
      const target = await source.headPosition(categories);
      if (target === null) return;
      if (loaded && checkpoint !== null && checkpoint >= target) return;
      if (!running) throw new Error(`subscription ${options.subscriberId} is stopped`);
      await new Promise<void>((resolve, reject) => waiters.push({ target, resolve, reject }));
    },
    async stop() {
      running = false;
      wakeSleeper?.();
      await live?.close().catch(() => undefined);
      await done;
      for (const waiter of waiters.splice(0)) waiter.reject(new Error(`subscription ${options.subscriberId} stopped`));
    },
  };
};
