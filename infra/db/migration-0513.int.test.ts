import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WarningEvent } from '../../core/warning/events.ts';
import { rate as rateOf } from '../../projections/metrics/definitions.ts';
import { rectificationRates } from '../../projections/queries/warnings.ts';
import { ratingsProjection } from '../../projections/ratings/projection.ts';
import { startProjector } from '../../projections/runtime/projector.ts';
import { rebuildProjection } from '../../projections/runtime/rebuild.ts';
import { dropVersion } from '../../projections/runtime/schema.ts';
import type { Engine } from '../../projections/testing/engines.ts';
import { engines } from '../../projections/testing/engines.ts';
import { appendWarning, rate, rectifiedWarning, warningRaised } from '../../projections/testing/events.ts';
import { warningsProjection } from '../../projections/warnings/projection.ts';
import { down, up } from './migrations/0513_reply_rate_without_upheld_appeals.ts';

const tables = ['warning_ratings', 'rating_replies', 'ratings_by_day_channel', 'ratings_by_day_place', 'ratings_by_day_matter_channel'] as const;
const NOW = new Date('2025-11-03T00:00:00.000Z');

const snapshot = async (db: Kysely<unknown>) => {
  const rows: Record<string, unknown[]> = {};
  for (const table of tables) {
    const result = await sql<{ row: string }>`select to_jsonb(t)::text as row from ${sql.id('app', table)} t order by 1`.execute(db);
    rows[table] = result.rows.map((r) => r.row);
  }
  return rows;
};

const appealUpheld = (ratingEventId: string, at: string): WarningEvent[] => [
  { type: 'AppealFiled', data: { by: 'u-mkt', department: 'D-MKT', reason: '误评', evidence: [{ blobKey: 'a', sha256: 'b'.repeat(64), mediaType: 'image/jpeg' }], at } },
  { type: 'AppealReviewed', data: { by: 'u-review', decision: 'upheld', reason: '查实为误评', ratingEventId, ratingExcludedFromAppraisal: true, at } },
  { type: 'WarningClosed', data: { outcome: 'appeal_upheld', ratingExcludedFromAppraisal: true, at } },
];

for (const engine of engines('migration 0513')) {
  describe(`migration 0513 (差评回复率 without the 差评 of upheld appeals) on ${engine.name}`, () => {
    let e: Engine;
    const ratings: string[] = [];
    const project = async () => {
      for (const projection of [ratingsProjection, warningsProjection]) {
        const projector = startProjector(e, projection, { batchSize: 5, pollIntervalMs: 20 });
        await projector.caughtUp();
        await projector.stop();
      }
    };
    const replyRate = async () => (await rectificationRates(e.db, { now: NOW, filter: { from: '2025-10-01', to: '2025-10-31' } })).negativeReplyRate;

    beforeAll(async () => {
      e = await engine.open();
      // Four 差评: m-0 and m-1 answered, m-2 appealed and upheld before a reply, m-3 answered and upheld later.
      for (let i = 0; i < 4; i++) ratings.push(await rate(e.store, `m-${i}`, `2025-10-0${6 + i}T02:00:00.000Z`, { overall: 1, reasons: ['R04'] }));
      for (const i of [0, 1, 3]) await appendWarning(e.store, `m-${i}`, rectifiedWarning(`m-${i}`, `2025-10-0${6 + i}T03:00:00.000Z`, { ratingEventId: ratings[i]! }).slice(0, 4));
      await appendWarning(e.store, 'm-2', [
        warningRaised('m-2', '2025-10-08T03:00:00.000Z', { ratingEventId: ratings[2]! }),
        ...appealUpheld(ratings[2]!, '2025-10-08T05:00:00.000Z'),
      ]);
      await project();
    });
    afterAll(async () => {
      await e?.close();
    });

    it('a read model projected before the flag existed gets what the projection gives, and the reply rate leaves the upheld 差评 out', async () => {
      const projected = await snapshot(e.db);
      // m-0, m-1 and m-3 answered; m-2 left out.
      expect(await replyRate()).toEqual(rateOf(3, 3));

      // The read model as the earlier code left it: no flag; the reply rate counted m-2 as unanswered.
      await down(e.db);
      expect(await snapshot(e.db)).not.toEqual(projected);

      await up(e.db);
      expect(await snapshot(e.db)).toEqual(projected);
      expect(await replyRate()).toEqual(rateOf(3, 3));
      await up(e.db); // run again: nothing changes
      expect(await snapshot(e.db)).toEqual(projected);
    });

    it('with the projection behind an upheld appeal, the migration and then the projection give what a rebuild gives', async () => {
      await down(e.db);
      // Appealed and upheld after the answer, while the ratings projection is not running.
      await appendWarning(e.store, 'm-3', appealUpheld(ratings[3]!, '2025-10-12T02:00:00.000Z'));
      await up(e.db);
      // The flag comes from the event store, before either projection has read the appeal.
      const flagged = await sql<{ warning_id: string }>`select warning_id from app.warning_ratings where rating_excluded order by 1`.execute(e.db);
      expect(flagged.rows.map((row) => row.warning_id)).toEqual(['m-2', 'm-3']);
      await project();
      const migrated = await snapshot(e.db);
      // m-3 leaves too, though it was answered.
      expect(await replyRate()).toEqual(rateOf(2, 2));

      await rebuildProjection(e, { ...ratingsProjection, version: 2 }, { batchSize: 3, applySize: 3 });
      expect(await snapshot(e.db)).toEqual(migrated);
      await dropVersion(e.db, ratingsProjection);
    });
  });
}
