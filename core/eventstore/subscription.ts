import type {
  CheckpointStore,
  LogPosition,
  ReadAllOptions,
  RecordedEvent,
  SubscribeOptions,
  Subscription,
  SubscriptionStatus,
} from './types.ts';

/** What a polling subscription needs from a store. */
export interface SubscriptionSource {
  readAll(options: ReadAllOptions): Promise<RecordedEvent[]>;
  headPosition(categories?: readonly string[]): Promise<LogPosition | null>;
  /** True when committed events wait behind an open transaction (the stalled-horizon case). */
  heldBack(after: LogPosition | null, categories?: readonly string[]): Promise<boolean>;
  readonly checkpoints: CheckpointStore;
  onChange(listener: () => void): () => void;
}

const HELD_BACK_POLL_MS = 25;
const RETRY_FIRST_MS = 1_000;
const RETRY_MAX_MS = 30_000;

/**
 * How long a subscriber waits after its `failures`-th failure in a row: 1 s, 2 s, 4 s … at most
 * 30 s. A passing fault costs a second; a lasting one (an event the handler cannot take, a database
 * that is down) is retried twice a minute instead of filling the log every second.
 */
export const retryDelayMs = (failures: number): number =>
  Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** Math.max(0, Math.min(failures, 16) - 1));

/**
 * Catch up from the durable checkpoint, then follow live: read a batch, hand it over, save the
 * checkpoint, repeat; when nothing is left, sleep until a change is announced or the poll interval
 * passes. Delivery is at-least-once across crashes (a batch handled but not yet checkpointed is
 * handed over again), exactly-once otherwise; handlers deduplicate by event id.
 */
export const startSubscription = (options: SubscribeOptions, source: SubscriptionSource): Subscription => {
  const batchSize = options.batchSize ?? 500;
  const pollIntervalMs = options.pollIntervalMs ?? 1_000;
  const stallAfterMs = options.stallAfterMs ?? 10_000;
  const categories = options.categories;

  let running = true;
  let checkpoint: LogPosition | null = null;
  let loaded = false;
  let delivered = 0;
  let failures = 0;
  let caughtUp = false;
  let heldBackSince: number | null = null;
  let stallReported = false;
  let wake: (() => void) | null = null;
  // Set by every announced change and cleared before each read: a change announced while a batch is
  // being read or handled ends the next sleep at once, instead of waiting for the poll.
  let changed = false;
  // False while backing off after an error: announced changes must not cut that short (under load
  // they come every few milliseconds), only stop() does.
  let wakeOnChange = true;
  const waiters: { target: LogPosition; resolve: () => void }[] = [];

  const nudge = () => {
    changed = true;
    if (wakeOnChange) wake?.();
  };
  const unlisten = source.onChange(nudge);

  const sleep = (ms: number, options: { onChange: boolean } = { onChange: true }) =>
    new Promise<void>((resolve) => {
      if (options.onChange && changed) {
        resolve();
        return;
      }
      wakeOnChange = options.onChange;
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake = null;
        wakeOnChange = true;
        resolve();
      }
      wake = done;
    });

  const settleWaiters = () => {
    for (let i = waiters.length - 1; i >= 0; i--) {
      const waiter = waiters[i]!;
      if (checkpoint !== null && checkpoint >= waiter.target) {
        waiters.splice(i, 1);
        waiter.resolve();
      }
    }
  };

  const loop = async () => {
    checkpoint = await source.checkpoints.load(options.subscriberId);
    loaded = true;
    while (running) {
      try {
        changed = false;
        const batch = await source.readAll({ after: checkpoint, limit: batchSize, ...(categories ? { categories } : {}) });
        if (batch.length > 0) {
          caughtUp = false;
          await options.handle(batch);
          checkpoint = batch[batch.length - 1]!.logPosition;
          await source.checkpoints.save(options.subscriberId, checkpoint);
          delivered += batch.length;
          failures = 0;
          heldBackSince = null;
          settleWaiters();
          if (batch.length === batchSize) continue;
        }
        caughtUp = true;
        settleWaiters();
        const held = await source.heldBack(checkpoint, categories);
        if (held) {
          heldBackSince ??= Date.now();
          if (!stallReported && Date.now() - heldBackSince >= stallAfterMs) {
            stallReported = true;
            const info = { subscriberId: options.subscriberId, heldBackSinceMs: Date.now() - heldBackSince, checkpoint };
            console.warn(
              JSON.stringify({ level: 'warn', msg: 'subscriber held back by an open transaction', ...info }),
            );
            options.onStall?.(info);
          }
        } else {
          heldBackSince = null;
          stallReported = false;
        }
        failures = 0;
        if (running) await sleep(held ? HELD_BACK_POLL_MS : pollIntervalMs);
      } catch (error) {
        if (!running) break;
        if (options.onError) options.onError(error);
        else console.error(JSON.stringify({ level: 'error', msg: 'subscriber failed; retrying', subscriber: options.subscriberId, error: String(error) }));
        failures += 1;
        await sleep(retryDelayMs(failures), { onChange: false });
      }
    }
  };

  const done = loop();

  return {
    subscriberId: options.subscriberId,
    status(): SubscriptionStatus {
      return {
        subscriberId: options.subscriberId,
        checkpoint,
        delivered,
        caughtUp,
        failures,
        stalledForMs: heldBackSince === null ? 0 : Date.now() - heldBackSince,
      };
    },
    async caughtUp() {
      const target = await source.headPosition(categories);
      if (target === null) return;
      if (loaded && checkpoint !== null && checkpoint >= target) return;
      await new Promise<void>((resolve) => {
        waiters.push({ target, resolve });
        nudge();
      });
    },
    async stop() {
      running = false;
      unlisten();
      wake?.();
      await done;
    },
  };
};
