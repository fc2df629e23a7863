import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { migrateToLatest, migrator } from '../../infra/db/migrate.ts';
import { openPglite, pgliteKysely } from '../db/pglite.ts';
import { createPgliteEventStore } from '../eventstore/pglite.ts';
import { verifyEventChain } from './verify.ts';

describe('0600_event_hash_chain on a store that already has events', () => {
  it('hashes the existing events without changing their ids or positions, and new appends continue the chains', async () => {
    const pglite = await openPglite();
    const db = pgliteKysely<unknown>(pglite);
    try {
      const before = await migrator(db).migrateTo('0504_projection_deferred_indexes');
      expect(before.error).toBeUndefined();
      // Appended through the append function as it was before the chain existed.
      const batch = (n: number) =>
        JSON.stringify(
          Array.from({ length: n }, (_, i) => ({
            id: randomUUID(),
            type: 'RatingSubmitted',
            schemaVersion: 1,
            data: { score: i + 1, 备注: '很好' },
            metadata: { occurredAt: '2026-11-01T08:00:00.000Z' },
          })),
        );
      await sql`select * from eventstore.append_events('rating-old1', 'rating', 'any', null, ${batch(3)}::jsonb)`.execute(db);
      await sql`select * from eventstore.append_events('case-old2', 'case', 'any', null, ${batch(2)}::jsonb)`.execute(db);
      await sql`select * from eventstore.append_events('rating-old1', 'rating', 'any', null, ${batch(1)}::jsonb)`.execute(db);
      const snapshot = sql<{ event_id: string; global_position: string; stream_version: number }>`
        select event_id::text as event_id, global_position::text as global_position, stream_version
          from eventstore.events order by global_position`;
      const rowsBefore = (await snapshot.execute(db)).rows;

      await migrateToLatest(db);
      expect((await snapshot.execute(db)).rows).toEqual(rowsBefore);
      const unhashed = await sql<{ n: number }>`select count(*)::int as n from eventstore.events where event_hash is null`.execute(db);
      expect(unhashed.rows[0]!.n).toBe(0);
      expect(await verifyEventChain(db)).toEqual({ ok: true, streams: 2, events: 6, firstBreak: null });

      const store = createPgliteEventStore({ pglite, db });
      await store.append('rating-old1', [
        { id: randomUUID(), type: 'RatingSubmitted', schemaVersion: 1, data: { score: 9 }, metadata: { occurredAt: '2026-11-02T08:00:00.000Z' } },
      ]);
      expect(await verifyEventChain(db)).toMatchObject({ ok: true, events: 7 });
      await sql`update eventstore.events set metadata = metadata || '{"actor":"forged"}' where stream_id = 'rating-old1' and stream_version = 1`.execute(db);
      expect((await verifyEventChain(db)).firstBreak).toMatchObject({ kind: 'edited', streamId: 'rating-old1', streamVersion: 1 });
      await store.close();
    } finally {
      await db.destroy();
      await pglite.close().catch(() => undefined);
    }
  });
});
