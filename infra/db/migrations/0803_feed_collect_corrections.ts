import type { Kysely } from 'kysely';
import { sql } from 'kysely';

// Frozen: the provincial feed's collector reads the event log once more from its start, so that the
// appeals upheld (申诉成立) after their warning closed before corrections existed get their correction
// (整改数据更正): the collector had passed those AppealReviewed events without a record. Every record id
// is fixed by its source and inserted `on conflict do nothing`, so reading again adds only the missing
// corrections. With EventStoreDB the checkpoint lives in its stream `pinggai-checkpoint-provincial-feed`
// (README, provincial feed): delete that stream instead.

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`delete from eventstore.checkpoints where subscriber_id = 'provincial-feed'`.execute(db);
}

export async function down(): Promise<void> {
  // Nothing to undo: the collector has caught up again by then.
}
