/**
 * The checkpointed subscribers of the system that are not projectors, and the event categories each
 * reads. Each module subscribes with its entry here. A subscriber's checkpoint moves only past events
 * of its own categories, so its lag is counted in them (projections/runtime/lag.ts): counted over the
 * whole log, a forwarder of warnings would look further behind with every rating while no warning
 * comes.
 */
export const subscribers = {
  warningPolicy: { id: 'warning-policy', categories: ['invitation', 'case'] },
  invitationReactor: { id: 'intake-invitation-reactor', categories: ['case'] },
  warningForwarder: { id: 'warning-workflow-forwarder', categories: ['warning'] },
  feedCollector: { id: 'provincial-feed-2', categories: ['invitation', 'warning'] },
  webhooks: { id: 'webhooks', categories: ['invitation', 'warning'] },
} as const satisfies Record<string, { readonly id: string; readonly categories: readonly string[] }>;

/** The categories a subscriber reads, by its id; null for an id that is not one of the system's. */
export const subscriberCategories = (id: string): readonly string[] | null =>
  Object.values(subscribers).find((subscriber) => subscriber.id === id)?.categories ?? null;
