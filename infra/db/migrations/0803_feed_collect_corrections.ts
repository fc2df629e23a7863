import type { Kysely } from 'kysely';
import { sql } from 'kysely';

// Frozen: the provincial feed's collector now keeps its checkpoint as `provincial-feed-2` and reads the
// log once from its start (infra/feed/outbox.ts, feedCollectorId), so that appeals upheld after their
// warning closed before corrections existed get their correction (整改数据更正). The old collector's
// checkpoint is dropped here so that operators do not see a subscriber falling behind for good; were
// the old collector to save it again while a rollout runs, `npm run ops` shows it lagging, and
// deleting the row again is all it takes. With EventStoreDB the old checkpoint is the stream
// `pinggai-checkpoint-provincial-feed`, which nothing reads any more.

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`delete from eventstore.checkpoints where subscriber_id = 'provincial-feed'`.execute(db);
}

export async function down(): Promise<void> {
  // Nothing to undo: the collector before corrections would start again from the log's start,
  // which adds nothing (every record id is fixed).
}
