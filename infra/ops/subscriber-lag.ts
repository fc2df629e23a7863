import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { LogPosition } from '../../core/eventstore/types.ts';
import { parseLogPosition } from '../../core/eventstore/postgres/positions.ts';

/** Counting stops here: a subscriber this far behind is simply far behind. */
export const BEHIND_CAP = 100_000;

export interface SubscriberLag {
  readonly id: string;
  /** Events committed after the subscriber's checkpoint, up to BEHIND_CAP. */
  readonly behindEvents: number;
}

/**
 * How many events wait behind each checkpointed subscriber that is not a projector (reactors, the
 * warning workflow forwarder, the feed collector, webhooks), in id order. Projectors keep their own
 * lag, with its age (projectorLag). Read by `npm run ops` and by `/metrics`.
 */
export const subscriberLags = async (db: Kysely<unknown>): Promise<SubscriberLag[]> => {
  const { rows: checkpoints } = await sql<{ subscriber_id: string; position: string }>`
    select subscriber_id, position from eventstore.checkpoints where subscriber_id not like 'projection:%' order by subscriber_id`.execute(db);
  const lags: SubscriberLag[] = [];
  for (const row of checkpoints) {
    const from = parseLogPosition(row.position as LogPosition);
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from (select 1 from eventstore.events
        where (transaction_id, global_position) > (${from.transactionId}::xid8, ${from.globalPosition}::bigint) limit ${BEHIND_CAP}) b`.execute(db);
    lags.push({ id: row.subscriber_id, behindEvents: rows[0]?.n ?? 0 });
  }
  return lags;
};
