/**
 * Runs a real reactor's subscriber on the simulation's beat. The reactor is started as in production
 * (same function, same subscriber id, same handler, same checkpoint), but against a store whose
 * `subscribe` hands the subscription to us instead of starting a background loop; `drain()` then
 * delivers everything committed since the checkpoint, in log order, and saves the checkpoint, just as
 * the loop would. Why: a background loop would stamp events with whatever simulated instant it woke
 * at and may sleep a whole poll interval between wake-ups; stepped, a seed gives one month, quickly.
 */
import type { EventStore, SubscribeOptions, Subscription } from '../../core/eventstore/types.ts';

export interface SteppedSubscriber {
  readonly subscriberId: string;
  /** Delivers every committed event after the checkpoint; returns how many. */
  drain(): Promise<number>;
}

export const stepSubscriber = (
  store: EventStore,
  start: (store: EventStore) => Subscription,
): SteppedSubscriber => {
  let options: SubscribeOptions | null = null;
  const capturing = new Proxy(store, {
    get(target, property, receiver) {
      if (property !== 'subscribe') return Reflect.get(target, property, receiver) as unknown;
      return (subscribe: SubscribeOptions): Subscription => {
        options = subscribe;
        return {
          subscriberId: subscribe.subscriberId,
          status: () => ({
            subscriberId: subscribe.subscriberId,
            checkpoint: null,
            delivered: 0,
            caughtUp: true,
            failures: 0,
            stalledForMs: 0,
          }),
          caughtUp: async () => {},
          stop: async () => {},
        };
      };
    },
  });
  start(capturing);
  if (!options) throw new Error('the reactor did not subscribe');
  const subscription: SubscribeOptions = options;
  const checkpoints = subscription.checkpoints ?? store.checkpoints;
  return {
    subscriberId: subscription.subscriberId,
    async drain() {
      let after = await checkpoints.load(subscription.subscriberId);
      let delivered = 0;
      for (;;) {
        const batch = await store.readAll({
          after,
          limit: subscription.batchSize ?? 500,
          ...(subscription.categories ? { categories: subscription.categories } : {}),
        });
        if (batch.length === 0) return delivered;
        await subscription.handle(batch);
        after = batch[batch.length - 1]!.logPosition;
        await checkpoints.save(subscription.subscriberId, after);
        delivered += batch.length;
      }
    },
  };
};
