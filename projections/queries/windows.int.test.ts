import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScoreOverride } from '../../core/appraisal/overrides.ts';
import { defaultAppraisalRules } from '../../core/appraisal/rules.ts';
import { down, up } from '../../infra/db/migrations/0514_warnings_by_day_hall_staff.ts';
import { scorecardEvidence } from '../appraisal/evidence.ts';
import { buildMonthlyBulletin } from '../bulletin/index.ts';
import { ratingsProjection } from '../ratings/projection.ts';
import { startProjector } from '../runtime/projector.ts';
import type { Engine } from '../testing/engines.ts';
import { engines } from '../testing/engines.ts';
import { appendWarning, rate, rectifiedWarning, subject, warningRaised } from '../testing/events.ts';
import { warningsProjection } from '../warnings/projection.ts';
import { ratingRollup } from './ratings.ts';
import { appraisalScorecard, scorecardRows } from './scorecards.ts';
import { dashboardWarnings, rectificationRates } from './warnings.ts';

// Every hall has a 7号窗口: two halls send the window code W07, and a third window, W09, is in one
// hall only. Each W07 must stay its own window in the dashboards, the scorecards and the bulletin.
const NOW = new Date('2025-11-03T00:00:00.000Z');
const OCTOBER = { from: '2025-10-01', to: '2025-10-31' };
const smzj = subject({ hall: { code: 'H-SMZJ', name: '市民之家' }, window: { code: 'W07', name: '7号窗口' } });
const yajd = subject({ hall: { code: 'H-YAJD', name: '永安街道' }, window: { code: 'W07', name: '7号窗口' } });
const nine = subject({ hall: { code: 'H-YAJD', name: '永安街道' }, window: { code: 'W09', name: '9号窗口' } });

for (const engine of engines('windows of two halls')) {
  describe(`windows with the same code in two halls on ${engine.name}`, () => {
    let e: Engine;
    beforeAll(async () => {
      e = await engine.open();
      // 市民之家 W07: three ratings, one 差评 with a warning rectified. 永安街道 W07: one 差评 with a
      // warning still open. 永安街道 W09: one top rating.
      for (let i = 0; i < 2; i++) await rate(e.store, `s-${i}`, `2025-10-0${2 + i}T02:00:00.000Z`, { overall: 5, subject: smzj });
      const smzjBad = await rate(e.store, 's-bad', '2025-10-06T02:00:00.000Z', { overall: 1, reasons: ['R04'], subject: smzj });
      const yajdBad = await rate(e.store, 'y-bad', '2025-10-07T02:00:00.000Z', { overall: 2, reasons: ['R04'], subject: yajd });
      await rate(e.store, 'y-9', '2025-10-08T02:00:00.000Z', { overall: 5, subject: nine });
      await appendWarning(e.store, 'w-smzj', rectifiedWarning('w-smzj', '2025-10-06T03:00:00.000Z', { ratingEventId: smzjBad, windowId: 'W07' }));
      await appendWarning(e.store, 'w-yajd', [
        warningRaised('w-yajd', '2025-10-07T03:00:00.000Z', { ratingEventId: yajdBad, hallId: 'H-YAJD', windowId: 'W07', staffId: 'S-9' }),
      ]);
      for (const projection of [ratingsProjection, warningsProjection]) {
        const projector = startProjector(e, projection, { batchSize: 3, pollIntervalMs: 20 });
        await projector.caughtUp();
        await projector.stop();
      }
    });
    afterAll(async () => {
      await e?.close();
    });

    it('ranks each hall’s window on its own, named with its hall', async () => {
      const rows = await ratingRollup(e.db, { filter: OCTOBER, by: 'window' });
      expect(rows.map((row) => [row.key, row.label, row.rated])).toEqual([
        ['H-SMZJ/W07', '市民之家 · 7号窗口', 3],
        ['H-YAJD/W07', '永安街道 · 7号窗口', 1],
        ['H-YAJD/W09', '永安街道 · 9号窗口', 1],
      ]);
      // The same from the facts (a staff filter no rollup has) as from the day rollup.
      const viaFacts = await ratingRollup(e.db, { filter: { ...OCTOBER, staff: 'S-7' }, by: 'window' });
      expect(viaFacts.map((row) => [row.key, row.label, row.rated])).toEqual(rows.map((row) => [row.key, row.label, row.rated]));
    });

    it('a window key filters one hall’s window; a bare window code, that window in every hall', async () => {
      const one = await ratingRollup(e.db, { filter: { ...OCTOBER, window: 'H-YAJD/W07' } });
      expect(one.map((row) => row.rated)).toEqual([1]);
      const both = await ratingRollup(e.db, { filter: { ...OCTOBER, window: 'W07' } });
      expect(both.map((row) => row.rated)).toEqual([4]);
      const viaFacts = await ratingRollup(e.db, { filter: { ...OCTOBER, staff: 'S-7', window: 'H-SMZJ/W07' } });
      expect(viaFacts.map((row) => row.rated)).toEqual([3]);
    });

    it('the warning rates and lists of one hall’s window count that hall’s warnings only', async () => {
      const of = (filter: object) => rectificationRates(e.db, { now: NOW, filter: { ...OCTOBER, ...filter } });
      expect((await of({ window: 'H-SMZJ/W07' })).rectificationCompletionRate).toMatchObject({ numerator: 1, denominator: 1 });
      expect((await of({ window: 'H-YAJD/W07' })).rectificationCompletionRate).toMatchObject({ numerator: 0, denominator: 1 });
      expect((await of({ window: 'W07' })).rectificationCompletionRate).toMatchObject({ numerator: 1, denominator: 2 });
      // The hall and staff filters now reach the warning rates too.
      expect((await of({ hall: 'H-YAJD' })).rectificationCompletionRate).toMatchObject({ numerator: 0, denominator: 1 });
      expect((await of({ staff: 'S-7' })).rectificationCompletionRate).toMatchObject({ numerator: 1, denominator: 1 });
      expect((await of({ staff: 'S-9' })).rectificationCompletionRate).toMatchObject({ numerator: 0, denominator: 1 });
      const listed = await dashboardWarnings(e.db, { now: NOW, filter: { ...OCTOBER, window: 'H-YAJD/W07' } });
      expect(listed.map((item) => item.warningId)).toEqual(['w-yajd']);
    });

    it('appraises each hall’s window on its own, with its evidence', async () => {
      const rows = await scorecardRows(e.db, { unit: 'window', period: '2025-10', now: NOW });
      expect(rows.map((row) => [row.unit, row.rated, row.warnings, row.rectificationCompletionRate.numerator])).toEqual([
        ['H-SMZJ/W07', 3, 1, 1],
        ['H-YAJD/W07', 1, 1, 0],
        ['H-YAJD/W09', 1, 0, 0],
      ]);
      const evidence = await scorecardEvidence(e.db, {
        unit: 'window',
        code: 'H-YAJD/W07',
        period: '2025-10',
        metric: 'warnings',
        now: NOW,
        rules: defaultAppraisalRules,
      });
      expect(evidence.warnings.map((w) => w.warningId)).toEqual(['w-yajd']);
      const ratings = await scorecardEvidence(e.db, {
        unit: 'window',
        code: 'H-SMZJ/W07',
        period: '2025-10',
        metric: 'rated',
        now: NOW,
        rules: defaultAppraisalRules,
      });
      expect(ratings.ratings).toHaveLength(3);
    });

    it('an override recorded with a bare window code applies only where one hall has that window', async () => {
      const override = (unit: string): ScoreOverride => ({
        unitKind: 'window',
        unit,
        period: '2025-10',
        metric: 'good_rate',
        computed: 1,
        value: 0.9,
        reason: '核减',
        actor: { id: 'u-appraisal' },
        at: '2025-11-02T00:00:00.000Z',
      });
      const card = await appraisalScorecard(e.db, {
        unit: 'window',
        period: '2025-10',
        now: NOW,
        rules: { version: 1, value: defaultAppraisalRules },
        overrides: { a: override('W07'), b: override('W09'), c: override('H-SMZJ/W07') },
      });
      expect(card.rows.map((row) => [row.unit, row.label, Object.values(row.overrides).map((o) => o.unit)])).toEqual([
        ['H-SMZJ/W07', '市民之家 · 7号窗口', ['H-SMZJ/W07']],
        ['H-YAJD/W07', '永安街道 · 7号窗口', []],
        ['H-YAJD/W09', '永安街道 · 9号窗口', ['W09']],
      ]);
    });

    it('the bulletin lists both 7号窗口, each with its hall', async () => {
      const bulletin = await buildMonthlyBulletin(e.db, { month: '2025-10', clock: { now: () => NOW }, windowMinSample: 1 });
      expect(bulletin.figures.windows.map((w) => [w.code, w.name, w.hall, w.summary.rated])).toEqual([
        ['H-YAJD/W09', '9号窗口', '永安街道', 1],
        ['H-SMZJ/W07', '7号窗口', '市民之家', 3],
        ['H-YAJD/W07', '7号窗口', '永安街道', 1],
      ]);
    });

    it('migration 0514 sums the warnings’ day roll-up per hall and staff member as the projection does, and goes back', async () => {
      const rollup = async () =>
        (await sql<{ row: string }>`select to_jsonb(t)::text as row from app.warnings_by_day t order by 1`.execute(e.db)).rows.map((r) => r.row);
      const projected = await rollup();
      expect(projected.filter((row) => row.includes('"hall_code": "H-YAJD"'))).toHaveLength(1);
      await e.db.transaction().execute((trx) => down(trx));
      const before = await rollup();
      expect(before.some((row) => row.includes('hall_code') || row.includes('staff_id'))).toBe(false);
      expect(before).toHaveLength(projected.length);
      await e.db.transaction().execute((trx) => up(trx));
      expect(await rollup()).toEqual(projected);
    });
  });
}
