import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WarningEvent } from '../../core/warning/events.ts';
import { rate as rateOf } from '../metrics/definitions.ts';
import { ratingsProjection } from '../ratings/projection.ts';
import { startProjector } from '../runtime/projector.ts';
import type { Engine } from '../testing/engines.ts';
import { engines } from '../testing/engines.ts';
import { appendWarning, rate, rectifiedWarning, subject, warningRaised } from '../testing/events.ts';
import { warningsProjection } from '../warnings/projection.ts';
import type { RatingFilter } from './filters.ts';
import { ratingList } from './ratings.ts';
import { dashboardWarnings, rectificationRates } from './warnings.ts';

const NOW = new Date('2025-11-03T00:00:00.000Z');
const OCTOBER = { from: '2025-10-01', to: '2025-10-31' };

/** A warning's facts routed to another lead department (the routing table's on-site rule). */
const ledBy = (lead: string, facts: readonly WarningEvent[]): WarningEvent[] =>
  facts.map((fact) =>
    fact.type === 'WarningRaised' || fact.type === 'WarningDispatched'
      ? ({ ...fact, data: { ...fact.data, leadDepartment: lead, cooperatingDepartments: [] } } as WarningEvent)
      : fact,
  );

/** 申诉成立: the warning closes and its rating is excluded. */
const appealUpheld = (ratingEventId: string, at: string): WarningEvent[] => [
  { type: 'AppealFiled', data: { by: 'u-mkt', department: 'D-MKT', reason: '恶意差评', evidence: [{ blobKey: 'a', sha256: 'b'.repeat(64), mediaType: 'image/jpeg' }], at } },
  { type: 'AppealReviewed', data: { by: 'u-review', decision: 'upheld', reason: '查实为误评', ratingEventId, ratingExcludedFromAppraisal: true, at } },
  { type: 'WarningClosed', data: { outcome: 'appeal_upheld', ratingExcludedFromAppraisal: true, at } },
];

/** Raised, dispatched, reply deadline set, answered. */
const answeredWarning = (warningId: string, at: string, options: Parameters<typeof rectifiedWarning>[2]): WarningEvent[] =>
  rectifiedWarning(warningId, at, options).slice(0, 4);

for (const engine of engines('差评回复率 drill-down')) {
  describe(`the ratings behind 差评回复率 are the 差评 it counts, by rated department (${engine.name})`, () => {
    let e: Engine;
    const ids: Record<string, string> = {};

    beforeAll(async () => {
      e = await engine.open();
      const zsj = subject({ department: { code: 'ZSJ', name: '政务服务局' }, staff: { id: 'S-9', displayName: '9号' } });
      const at = (day: number, minute: number) => `2025-10-${String(day).padStart(2, '0')}T02:${String(minute).padStart(2, '0')}:00.000Z`;
      // 差评 of 市场监管局 (D-MKT), and what became of them:
      ids['answered'] = await rate(e.store, 'q-answered', at(6, 0), { overall: 2 });
      ids['answeredByZsj'] = await rate(e.store, 'q-by-zsj', at(7, 0), { overall: 1, reasons: ['R04'] });
      ids['unanswered'] = await rate(e.store, 'q-unanswered', at(8, 0), { overall: 2 });
      ids['noWarning'] = await rate(e.store, 'q-no-warning', at(9, 0), { overall: 1 });
      ids['upheldAfterReply'] = await rate(e.store, 'q-upheld-replied', at(10, 0), { overall: 2 });
      ids['upheld'] = await rate(e.store, 'q-upheld', at(11, 0), { overall: 2 });
      ids['good'] = await rate(e.store, 'q-good', at(12, 0), { overall: 4 });
      ids['september'] = await rate(e.store, 'q-september', '2025-09-20T02:00:00.000Z', { overall: 1 });
      // …and a 差评 of 政务服务局 (ZSJ) whose warning D-MKT leads and has answered.
      ids['zsj'] = await rate(e.store, 'q-zsj', at(13, 0), { overall: 2, subject: zsj });

      const raised = (day: number) => `2025-10-${String(day).padStart(2, '0')}T03:00:00.000Z`;
      await appendWarning(e.store, 'w-answered', answeredWarning('w-answered', raised(6), { ratingEventId: ids['answered']! }));
      await appendWarning(e.store, 'w-by-zsj', ledBy('ZSJ', answeredWarning('w-by-zsj', raised(7), { ratingEventId: ids['answeredByZsj']! })));
      await appendWarning(e.store, 'w-unanswered', [warningRaised('w-unanswered', raised(8), { ratingEventId: ids['unanswered']! })]);
      await appendWarning(e.store, 'w-upheld-replied', [
        ...answeredWarning('w-upheld-replied', raised(10), { ratingEventId: ids['upheldAfterReply']! }),
        ...appealUpheld(ids['upheldAfterReply']!, '2025-10-20T02:00:00.000Z'),
      ]);
      await appendWarning(e.store, 'w-upheld', [
        warningRaised('w-upheld', raised(11), { ratingEventId: ids['upheld']! }),
        ...appealUpheld(ids['upheld']!, '2025-10-20T03:00:00.000Z'),
      ]);
      await appendWarning(e.store, 'w-zsj', ledBy('D-MKT', answeredWarning('w-zsj', raised(13), { ratingEventId: ids['zsj']!, department: 'ZSJ' })));
      // A warning about an overdue case (no rating), led by D-MKT.
      await appendWarning(e.store, 'w-overdue', [warningRaised('w-overdue', raised(14), { caseId: 'hall:C-9' })]);

      for (const projection of [ratingsProjection, warningsProjection]) {
        const projector = startProjector(e, projection, { batchSize: 4, pollIntervalMs: 20 });
        await projector.caughtUp();
        await projector.stop();
      }
    }, 60_000);
    afterAll(async () => {
      await e?.close();
    });

    const drill = (filter: RatingFilter, page: { limit?: number; offset?: number } = {}) =>
      ratingList(e.db, { filter, drill: { replyRate: true }, ...page });
    const named = (ratingId: string) => Object.entries(ids).find(([, id]) => id === ratingId)?.[0];

    it('lists a department’s own 差评, whoever leads their warnings, less those an upheld appeal excludes, unanswered first', async () => {
      const mkt = { ...OCTOBER, department: 'D-MKT' };
      const rows = await drill(mkt);
      expect(rows.map((row) => [named(row.ratingId), row.replied])).toEqual([
        ['noWarning', false],
        ['unanswered', false],
        ['answeredByZsj', true],
        ['answered', true],
      ]);
      expect(rows.every((row) => row.negative && row.department === '市场监管局')).toBe(true);
      const figure = (await rectificationRates(e.db, { now: NOW, filter: mkt })).negativeReplyRate;
      expect(figure).toEqual(rateOf(2, 4));
      // The warnings D-MKT leads are another set: ZSJ's 差评 and an overdue case, not the one ZSJ answered.
      const led = (await dashboardWarnings(e.db, { now: NOW, filter: mkt })).map((w) => w.warningId).sort();
      expect(led).toEqual(['w-answered', 'w-overdue', 'w-unanswered', 'w-upheld', 'w-upheld-replied', 'w-zsj']);
    });

    it('counts, for every filter, the rows the figure counts: numerator the answered ones, denominator all (roll-up and facts alike)', async () => {
      const filters: RatingFilter[] = [
        OCTOBER,
        { ...OCTOBER, department: 'D-MKT' },
        { ...OCTOBER, department: 'ZSJ' },
        // A staff filter, which no roll-up has: the figure counts the facts.
        { ...OCTOBER, department: 'D-MKT', staff: 'S-7' },
        { ...OCTOBER, department: 'ZSJ', staff: 'S-7' },
        { from: '2025-09-01', to: '2025-09-30' },
      ];
      for (const filter of filters) {
        const rows = await drill(filter);
        const figure = (await rectificationRates(e.db, { now: NOW, filter })).negativeReplyRate;
        expect([figure.numerator, figure.denominator], JSON.stringify(filter)).toEqual([rows.filter((row) => row.replied).length, rows.length]);
      }
      expect((await drill({ ...OCTOBER, department: 'ZSJ' })).map((row) => [named(row.ratingId), row.replied])).toEqual([['zsj', true]]);
      expect((await drill(OCTOBER)).length).toBe(5);
    });

    it('pages in the same order, and other drills say nothing of replies', async () => {
      const whole = await drill(OCTOBER);
      const pages = [...(await drill(OCTOBER, { limit: 2 })), ...(await drill(OCTOBER, { limit: 2, offset: 2 })), ...(await drill(OCTOBER, { limit: 2, offset: 4 }))];
      expect(pages).toEqual(whole);
      const negative = await ratingList(e.db, { filter: OCTOBER, negativeOnly: true });
      expect(negative).toHaveLength(7);
      expect(negative.some((row) => 'replied' in row)).toBe(false);
    });
  });
}
