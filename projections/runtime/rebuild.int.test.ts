import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invitationStreamId } from '../../core/invitation/events.ts';
import { ratingsProjection } from '../ratings/projection.ts';
import type { Engine } from '../testing/engines.ts';
import { engines } from '../testing/engines.ts';
import { appendFacts, evaluationSubmitted, invitationIssued } from '../testing/events.ts';
import { rebuildProjection } from './rebuild.ts';

const indexesOf = async (e: Engine, schema: string) =>
  (
    await sql<{ definition: string }>`
      select regexp_replace(replace(indexdef, ${`${schema}.`}, ''), '^CREATE (UNIQUE )?INDEX \\S+ ON ', 'CREATE \\1INDEX ON ') as definition
      from pg_indexes where schemaname = ${schema} order by 1`.execute(e.db)
  ).rows.map((row) => row.definition);

for (const engine of engines('rebuild with deferred indexes')) {
  describe(`rebuild on ${engine.name}`, () => {
    let e: Engine;
    beforeAll(async () => {
      e = await engine.open();
    });
    afterAll(async () => {
      await e?.close();
    });

    it('after a rebuild the new version has every index of the one it replaces, and nothing is left deferred', async () => {
      for (let i = 0; i < 5; i++) {
        await appendFacts(e.store, invitationStreamId(`inv-${i}`), [
          invitationIssued(`inv-${i}`, 'sms', '2025-10-30T01:00:00.000Z'),
          evaluationSubmitted(`inv-${i}`, '2025-10-30T01:05:00.000Z', { overall: 4 }),
        ]);
      }
      const next = { ...ratingsProjection, version: 2 };
      const result = await rebuildProjection(e, next, { batchSize: 3 });
      expect(result.applied).toBe(10);
      const v1 = await indexesOf(e, 'rm_ratings_v1');
      expect(v1.length).toBeGreaterThan(10);
      expect(await indexesOf(e, 'rm_ratings_v2')).toEqual(v1);
      expect(
        (await sql`select * from app.projection_deferred_indexes`.execute(e.db)).rows,
      ).toEqual([]);
      expect((await sql<{ n: number }>`select count(*)::int as n from app.rating_facts`.execute(e.db)).rows[0]?.n).toBe(5);
    });

    it('a rebuild run again after one that died halfway gets the deferred indexes back', async () => {
      const next = { ...ratingsProjection, version: 3 };
      await rebuildProjection(e, next, { activate: false });
      const complete = await indexesOf(e, 'rm_ratings_v3');
      // What a rebuild that died during its load leaves: indexes dropped, their definitions kept.
      const victims = (
        await sql<{ name: string; definition: string }>`
          select indexname as name, indexdef as definition from pg_indexes
          where schemaname = 'rm_ratings_v3' and tablename = 'rating_facts' and indexdef not like '%UNIQUE%'`.execute(e.db)
      ).rows;
      expect(victims.length).toBeGreaterThan(3);
      for (const victim of victims) {
        await sql`insert into app.projection_deferred_indexes values ('rm_ratings_v3', ${victim.name}, ${victim.definition})`.execute(e.db);
        await sql`drop index ${sql.id('rm_ratings_v3', victim.name)}`.execute(e.db);
      }
      await rebuildProjection(e, next, { activate: false });
      expect(await indexesOf(e, 'rm_ratings_v3')).toEqual(complete);
    });
  });
}
