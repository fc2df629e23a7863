import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WarningEvent } from '../../core/warning/events.ts';
import { rate as rateOf } from '../metrics/definitions.ts';
import { ratingsProjection } from '../ratings/projection.ts';
import { startProjector } from '../runtime/projector.ts';
import { rebuildProjection } from '../runtime/rebuild.ts';
import { dropVersion } from '../runtime/schema.ts';
import { schemaOf } from '../runtime/types.ts';
import type { Engine } from '../testing/engines.ts';
import { engines } from '../testing/engines.ts';
import { appendWarning, rate, rectifiedWarning, warningRaised } from '../testing/events.ts';
import { warningsProjection } from '../warnings/projection.ts';
import { dashboardWarnings, rectificationRates, warningDashboard } from './warnings.ts';

const NOW = new Date('2025-11-03T00:00:00.000Z');
const OCTOBER = { from: '2025-10-01', to: '2025-10-31' };

/** A warning's facts routed to another lead department (the routing table's on-site rule). */
const ledBy = (lead: string, cooperating: readonly string[], facts: readonly WarningEvent[]): WarningEvent[] =>
  facts.map((fact) =>
    fact.type === 'WarningRaised' || fact.type === 'WarningDispatched'
      ? ({ ...fact, data: { ...fact.data, leadDepartment: lead, cooperatingDepartments: [...cooperating] } } as WarningEvent)
      : fact,
  );

/** 申诉 by the rated department, upheld (申诉成立): the warning closes and its rating is excluded. */
const appealUpheld = (ratingEventId: string, at: string): WarningEvent[] => [
  { type: 'AppealFiled', data: { by: 'u-mkt', department: 'D-MKT', reason: '恶意差评', evidence: [{ blobKey: 'a', sha256: 'b'.repeat(64), mediaType: 'image/jpeg' }], at } },
  { type: 'AppealReviewed', data: { by: 'u-review', decision: 'upheld', reason: '查实为误评', ratingEventId, ratingExcludedFromAppraisal: true, at } },
  { type: 'WarningClosed', data: { outcome: 'appeal_upheld', ratingExcludedFromAppraisal: true, at } },
];

const tableRows = async (db: Kysely<unknown>, schema: string, table: string): Promise<string[]> => {
  const { rows } = await sql<{ row: string }>`select to_jsonb(t)::text as row from ${sql.id(schema, table)} t order by 1`.execute(db);
  return rows.map((r) => r.row);
};

for (const engine of engines('rectification attribution')) {
  describe(`whose figures (lead department for the warnings, rated department for 差评回复率) on ${engine.name}`, () => {
    let e: Engine;
    const project = async () => {
      for (const projection of [ratingsProjection, warningsProjection]) {
        const projector = startProjector(e, projection, { batchSize: 4, pollIntervalMs: 20 });
        await projector.caughtUp();
        await projector.stop();
      }
    };

    beforeAll(async () => {
      e = await engine.open();
      // Eleven 差评 of 市场监管局 (D-MKT), one warning each:
      //   x-0      cites 等候时间长 (on-site): led by the government service department ZSJ, rectified;
      //   x-1…x-7  led by D-MKT, answered, not yet rectified;
      //   x-8, x-9 appealed and upheld (申诉成立) before any reply;
      //   x-10     answered, then appealed and upheld.
      const ratings: string[] = [];
      for (let i = 0; i < 11; i++) {
        ratings.push(await rate(e.store, `q-x-${i}`, `2025-10-${String(6 + (i % 5)).padStart(2, '0')}T02:${String(i).padStart(2, '0')}:00.000Z`, { overall: 2, reasons: ['R04'] }));
      }
      const raisedAt = (i: number) => `2025-10-${String(6 + (i % 5)).padStart(2, '0')}T03:${String(i).padStart(2, '0')}:00.000Z`;
      await appendWarning(e.store, 'x-0', ledBy('ZSJ', ['D-MKT'], rectifiedWarning('x-0', raisedAt(0), { ratingEventId: ratings[0]! })));
      for (let i = 1; i <= 7; i++) await appendWarning(e.store, `x-${i}`, rectifiedWarning(`x-${i}`, raisedAt(i), { ratingEventId: ratings[i]! }).slice(0, 4));
      // The appeals arrive after the projections have seen the 差评 and the warnings (a later batch).
      await appendWarning(e.store, 'x-8', [warningRaised('x-8', raisedAt(8), { ratingEventId: ratings[8]! })]);
      await appendWarning(e.store, 'x-9', [warningRaised('x-9', raisedAt(9), { ratingEventId: ratings[9]! })]);
      const answered10 = rectifiedWarning('x-10', raisedAt(10), { ratingEventId: ratings[10]! }).slice(0, 4);
      await appendWarning(e.store, 'x-10', answered10);
      await project();
      await appendWarning(e.store, 'x-8', appealUpheld(ratings[8]!, '2025-10-12T02:00:00.000Z'));
      await appendWarning(e.store, 'x-9', appealUpheld(ratings[9]!, '2025-10-12T03:00:00.000Z'));
      await appendWarning(e.store, 'x-10', appealUpheld(ratings[10]!, '2025-10-13T02:00:00.000Z'));
      await project();
    }, 60_000);
    afterAll(async () => {
      await e?.close();
    });

    it('a warning led by another department counts in the lead’s rectification rates, not the rated department’s', async () => {
      const zsj = await rectificationRates(e.db, { now: NOW, filter: { ...OCTOBER, department: 'ZSJ' } });
      expect(zsj.rectificationCompletionRate).toEqual(rateOf(1, 1));
      expect(zsj.callbackRectificationRate).toEqual(rateOf(1, 1));
      expect(zsj.callbackSatisfactionRate).toEqual(rateOf(2, 2));
      expect(zsj.onTimeDispatchRate).toEqual(rateOf(1, 1));
      expect(zsj.onTimeReplyRate).toEqual(rateOf(1, 1));
      // ZSJ's own service was not rated: it has no 差评 to answer.
      expect(zsj.negativeReplyRate).toEqual(rateOf(0, 0));
      const mkt = await rectificationRates(e.db, { now: NOW, filter: { ...OCTOBER, department: 'D-MKT' } });
      // D-MKT leads x-1…x-7 (the upheld appeals are left out): none rectified yet.
      expect(mkt.rectificationCompletionRate).toEqual(rateOf(0, 7));
      expect(mkt.onTimeReplyRate).toEqual(rateOf(7, 7));
      // …while its 差评回复率 counts every 差评 about its service, x-0's (answered by ZSJ) too.
      expect(mkt.negativeReplyRate).toEqual(rateOf(8, 8));
      // The district's figures are the sum of the leads'.
      const district = await rectificationRates(e.db, { now: NOW, filter: OCTOBER });
      expect(district.rectificationCompletionRate).toEqual(rateOf(1, 8));
    });

    it('the warnings behind the numbers and the phases follow the lead department too', async () => {
      const ids = async (department: string) =>
        (await dashboardWarnings(e.db, { now: NOW, filter: { ...OCTOBER, department } })).map((w) => w.warningId).sort();
      expect(await ids('ZSJ')).toEqual(['x-0']);
      expect(await ids('D-MKT')).toEqual(['x-1', 'x-10', 'x-2', 'x-3', 'x-4', 'x-5', 'x-6', 'x-7', 'x-8', 'x-9']);
      const panel = await warningDashboard(e.db, { now: NOW, filter: { ...OCTOBER, department: 'ZSJ' } });
      expect(panel.byPhase).toEqual([{ phase: 'closed', open: 1, overdue: 0 }]);
      expect(panel.rectificationCompletionRate).toEqual(rateOf(1, 1));
    });

    it('差评回复率 leaves out the 差评 an upheld appeal excludes, answered before it or not', async () => {
      // 11 差评, 9 answered; x-8 and x-9 upheld before a reply, x-10 after one: 8 of 8, not 9 of 11.
      const district = await rectificationRates(e.db, { now: NOW, filter: OCTOBER });
      expect(district.negativeReplyRate).toEqual(rateOf(8, 8));
      // The same from the facts (a staff filter, which no roll-up has: every rating names S-7).
      const viaFacts = await rectificationRates(e.db, { now: NOW, filter: { ...OCTOBER, staff: 'S-7' } });
      expect(viaFacts.negativeReplyRate).toEqual(rateOf(8, 8));
      // The roll-ups still count every 差评 (差评数 and 差评率 are not the appeal's to change).
      const { rows } = await sql<{ negative: number; replied: number }>`
        select sum(negative)::int as negative, sum(replied)::int as replied from app.ratings_by_day_channel`.execute(e.db);
      expect(rows[0]).toEqual({ negative: 11, replied: 9 });
      const { rows: excluded } = await sql<{ warning_id: string }>`
        select warning_id from app.warning_ratings where rating_excluded order by 1`.execute(e.db);
      expect(excluded.map((row) => row.warning_id)).toEqual(['x-10', 'x-8', 'x-9']);
    });

    it('applying the events again changes nothing; a rebuild from zero gives the same tables and rates', async () => {
      const before = await Promise.all(ratingsProjection.tables.map((table) => tableRows(e.db, schemaOf(ratingsProjection), table)));
      const events = await e.store.readAll({ after: null, limit: 1000, categories: ratingsProjection.categories });
      await e.db.transaction().execute((trx) => ratingsProjection.apply(trx.withSchema(schemaOf(ratingsProjection)) as never, events));
      expect(await Promise.all(ratingsProjection.tables.map((table) => tableRows(e.db, schemaOf(ratingsProjection), table)))).toEqual(before);

      const rates = await rectificationRates(e.db, { now: NOW, filter: OCTOBER });
      const v2 = { ...ratingsProjection, version: 2 };
      await rebuildProjection(e, v2, { batchSize: 5, applySize: 5 });
      for (const [index, table] of ratingsProjection.tables.entries())
        expect(await tableRows(e.db, schemaOf(v2), table), table).toEqual(before[index]);
      // The app.* views now read the rebuilt version.
      expect(await rectificationRates(e.db, { now: NOW, filter: OCTOBER })).toEqual(rates);
      await dropVersion(e.db, ratingsProjection);
    });
  });
}
