import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ratingsProjection } from '../../projections/ratings/projection.ts';
import { startProjector } from '../../projections/runtime/projector.ts';
import type { Engine } from '../../projections/testing/engines.ts';
import { engines } from '../../projections/testing/engines.ts';
import { rate } from '../../projections/testing/events.ts';
import { up } from './migrations/0512_bad_rating_national_definition.ts';

const levelRollups = ['ratings_by_day_channel', 'ratings_by_day_place', 'ratings_by_day_matter_channel'] as const;

const snapshot = async (db: Kysely<unknown>) => {
  const tables: Record<string, unknown[]> = {};
  for (const table of ['rating_facts', ...levelRollups]) {
    const { rows } = await sql<{ row: string }>`select to_jsonb(t)::text as row from ${sql.id('app', table)} t order by 1`.execute(db);
    tables[table] = rows.map((r) => r.row);
  }
  return tables;
};

for (const engine of engines('migration 0512')) {
  describe(`migration 0512 (差评 = 不满意 or 非常不满意) on ${engine.name}`, () => {
    let e: Engine;
    beforeAll(async () => {
      e = await engine.open();
    });
    afterAll(async () => {
      await e?.close();
    });

    it('a read model projected when a reason flag made a 基本满意 a 差评 is corrected to what a rebuild gives', async () => {
      // A 基本满意 whose reason raised a warning, a 不满意, and a 非常满意, on two days.
      await rate(e.store, 'm-1', '2025-10-06T02:00:00.000Z', { overall: 3, reasons: ['R01'], negative: true });
      await rate(e.store, 'm-2', '2025-10-06T03:00:00.000Z', { overall: 2, reasons: ['R04'] });
      await rate(e.store, 'm-3', '2025-10-07T02:00:00.000Z', { overall: 5 });
      const projector = startProjector(e, ratingsProjection, { batchSize: 10, pollIntervalMs: 20 });
      await projector.caughtUp();
      await projector.stop();
      const rebuilt = await snapshot(e.db);

      // What the earlier code wrote: the event's flag copied, and counted in the level roll-ups.
      await sql`update app.rating_facts set negative = true where level = 3`.execute(e.db);
      for (const table of levelRollups) await sql`update ${sql.id('app', table)} set negative = negative + l3`.execute(e.db);
      expect(await snapshot(e.db)).not.toEqual(rebuilt);

      await up(e.db);
      expect(await snapshot(e.db)).toEqual(rebuilt);
      await up(e.db); // run again (or on a read model that never had the defect): nothing changes
      expect(await snapshot(e.db)).toEqual(rebuilt);
    });
  });
}
