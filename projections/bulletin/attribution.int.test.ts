import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unpackDocx } from '../../tests/support/docx.ts';
import type { WarningEvent } from '../../core/warning/events.ts';
import { rate as rateOf } from '../metrics/definitions.ts';
import { ratingsProjection } from '../ratings/projection.ts';
import { startProjector } from '../runtime/projector.ts';
import type { Engine } from '../testing/engines.ts';
import { engines } from '../testing/engines.ts';
import { appendWarning, rate, rectifiedWarning, subject, warningRaised } from '../testing/events.ts';
import { warningsProjection } from '../warnings/projection.ts';
import { rateText } from './format.ts';
import type { MonthlyBulletin } from './index.ts';
import { buildMonthlyBulletin } from './index.ts';

const clock = { now: () => new Date('2025-11-03T01:00:00.000Z') };

/** The government service department (政数局) leads a warning about 市场监管局's service (on-site: 等候时间长). */
const ledByZsj = (facts: readonly WarningEvent[]): WarningEvent[] =>
  facts.map((fact) =>
    fact.type === 'WarningRaised' || fact.type === 'WarningDispatched'
      ? ({ ...fact, data: { ...fact.data, leadDepartment: 'ZSJ', cooperatingDepartments: ['D-MKT'] } } as WarningEvent)
      : fact,
  );

const appealUpheld = (ratingEventId: string, at: string): WarningEvent[] => [
  { type: 'AppealFiled', data: { by: 'u-mkt', department: 'D-MKT', reason: '误评', evidence: [{ blobKey: 'a', sha256: 'b'.repeat(64), mediaType: 'image/jpeg' }], at } },
  { type: 'AppealReviewed', data: { by: 'u-review', decision: 'upheld', reason: '查实为误评', ratingEventId, ratingExcludedFromAppraisal: true, at } },
  { type: 'WarningClosed', data: { outcome: 'appeal_upheld', ratingExcludedFromAppraisal: true, at } },
];

for (const engine of engines('bulletin attribution')) {
  describe(`the bulletin's department table and 差评回复率 (lead and rated departments, upheld appeals) on ${engine.name}`, () => {
    let e: Engine;
    let bulletin: MonthlyBulletin;
    let text: string;

    beforeAll(async () => {
      e = await engine.open();
      // 政数局 was rated in September only: its name is known, its October row has no ratings.
      await rate(e.store, 'q-zsj', '2025-09-20T02:00:00.000Z', { overall: 5, subject: subject({ department: { code: 'ZSJ', name: '政数局' } }) });
      // Four 差评 of 市场监管局 in October: one led by 政数局 and rectified, one led by itself and
      // answered, two whose appeal was upheld before any reply.
      const at = (i: number) => `2025-10-0${6 + i}T02:00:00.000Z`;
      const ratings: string[] = [];
      for (let i = 0; i < 4; i++) ratings.push(await rate(e.store, `q-mkt-${i}`, at(i), { overall: 2, reasons: ['R04'] }));
      await appendWarning(e.store, 'b-0', ledByZsj(rectifiedWarning('b-0', at(0).replace('T02', 'T03'), { ratingEventId: ratings[0]! })));
      await appendWarning(e.store, 'b-1', rectifiedWarning('b-1', at(1).replace('T02', 'T03'), { ratingEventId: ratings[1]! }).slice(0, 4));
      for (const i of [2, 3]) {
        await appendWarning(e.store, `b-${i}`, [
          warningRaised(`b-${i}`, at(i).replace('T02', 'T03'), { ratingEventId: ratings[i]! }),
          ...appealUpheld(ratings[i]!, at(i).replace('T02', 'T05')),
        ]);
      }
      for (const projection of [ratingsProjection, warningsProjection]) {
        const projector = startProjector(e, projection, { batchSize: 3, pollIntervalMs: 20 });
        await projector.caughtUp();
        await projector.stop();
      }
      bulletin = await buildMonthlyBulletin(e.db, { month: '2025-10', clock });
      text = unpackDocx(bulletin.docx).text;
    }, 60_000);
    afterAll(async () => {
      await e?.close();
    });

    it('lists the lead department beside the rated ones, each with its own figures', () => {
      expect(
        bulletin.figures.departments.map((d) => [d.code, d.name, d.summary.rated, d.negativeReplyRate, d.rectificationCompletionRate]),
      ).toEqual([
        // 市场监管局: its 差评 (b-0's answered by 政数局), the warning it leads (b-1, not yet rectified).
        ['D-MKT', '市场监管局', 4, rateOf(2, 2), rateOf(0, 1)],
        // 政数局: not rated this month, but it led b-0 to rectification.
        ['ZSJ', '政数局', 0, rateOf(0, 0), rateOf(1, 1)],
      ]);
      expect(text).toContain('另有1个部门本月未收到评价但牵头整改预警,列于表末');
      expect(text).toContain('整改完成率按牵头整改部门统计');
      expect(bulletin.html).toContain('整改完成率按牵头整改部门统计');
      // Its table row: no ratings, no 差评, its 整改完成率 (cells are paragraphs of the text).
      expect(text.split('\n').join('|')).toContain(`|政数局|0|—|0|—|${rateText(rateOf(1, 1))}|`);
    });

    it('差评回复率 leaves out the 差评 whose appeal was upheld before a reply, and says no 差评 is left unanswered', () => {
      expect(bulletin.figures.warnings.negativeReplyRate).toEqual(rateOf(2, 2));
      expect(bulletin.figures.warnings.appealUpheld).toBe(2);
      expect(text).toContain(`差评回复率${rateText(rateOf(2, 2))}`);
      expect(text).toContain('其差评不计入差评回复率');
      expect(text).not.toContain('条差评未答复');
    });
  });
}
