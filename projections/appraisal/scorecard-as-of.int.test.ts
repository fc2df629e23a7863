/**
 * A closed period's scorecard (考核表) is the same whenever it is read: its figures are counted at the
 * period's end (统计截止) however much happens after it, and a warning raised late in the period is judged
 * for 评先资格 when its own time to rectify runs out, so it is not left pending for good.
 */
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultAppraisalRules } from '../../core/appraisal/rules.ts';
import type { WarningEvent } from '../../core/warning/events.ts';
import { ratingsProjection } from '../ratings/projection.ts';
import { startProjector } from '../runtime/projector.ts';
import type { Engine } from '../testing/engines.ts';
import { engines } from '../testing/engines.ts';
import { appendWarning, rectifiedWarning } from '../testing/events.ts';
import { warningsProjection } from '../warnings/projection.ts';
import type { Scorecard } from '../queries/scorecards.ts';
import { appraisalScorecard } from '../queries/scorecards.ts';
import { scorecardEvidence } from './evidence.ts';
import { scorecardXlsx } from './export.ts';

const PERIOD = '2025-10';
const rules = { version: 0, value: defaultAppraisalRules };
// Three readings of October, each after what had happened by then was appended.
const NOV_2 = new Date('2025-11-02T00:00:00.000Z');
const DEC_1 = new Date('2025-12-01T00:00:00.000Z');
const JAN_5 = new Date('2026-01-05T00:00:00.000Z');

/** The facts of a whole rectification, with the reply and what follows it moved to `repliedAt`. */
const rectifiedLate = (id: string, raisedAt: string, repliedAt: string, onTime: boolean, dispatchAfterMinutes?: number) => {
  const at = (minutes: number) => new Date(Date.parse(repliedAt) + minutes * 60_000).toISOString();
  const [raised, dispatched, deadline, replied, phone, onSite, closed] = rectifiedWarning(id, raisedAt, {
    department: 'D-RSJ',
    ...(dispatchAfterMinutes === undefined ? {} : { dispatchAfterMinutes }),
  });
  const moved = (event: WarningEvent, when: string, extra: object = {}) =>
    ({ ...event, data: { ...(event.data as object), ...extra, at: when } }) as WarningEvent;
  return {
    untilDispatch: [raised!, dispatched!, deadline!],
    rest: [
      moved(replied!, repliedAt, { onTime }),
      moved(phone!, at(60), { calledAt: at(60) }),
      moved(onSite!, at(120), { checkedAt: at(120) }),
      moved(closed!, at(121)),
    ],
  };
};

// 人社局 D-RSJ: what happened after October changes nothing in October's figures.
//   rsj-0 10-10 rectified in October · rsj-1 10-28 reply overdue at the period's end, replied late and
//   rectified on 11-04 · rsj-2 10-30 replied on time on 11-01, reopened the same day after a failed
//   call-back · rsj-3 10-31 23:30 Beijing, dispatched (on time) only after the period's end, rectified 12-03.
const rsj0 = rectifiedWarning('rsj-0', '2025-10-10T03:00:00.000Z', { department: 'D-RSJ' });
const rsj1 = rectifiedLate('rsj-1', '2025-10-28T03:00:00.000Z', '2025-11-03T03:00:00.000Z', false);
const rsj2 = rectifiedLate('rsj-2', '2025-10-30T03:00:00.000Z', '2025-11-01T03:00:00.000Z', true);
const rsj3 = rectifiedLate('rsj-3', '2025-10-31T15:30:00.000Z', '2025-12-01T03:00:00.000Z', true, 40);
const rsj2Reopened: WarningEvent[] = [
  ...rsj2.untilDispatch,
  rsj2.rest[0]!,
  {
    type: 'PhoneCallbackRecorded',
    data: { round: 0, by: 'u-callback', calledAt: '2025-11-01T05:00:00.000Z', satisfied: false, notes: '', at: '2025-11-01T05:00:00.000Z' },
  },
  { type: 'WarningReopened', data: { count: 1, failedCheck: 'phone', at: '2025-11-01T05:00:00.000Z' } },
];

// 公安局 D-GAJ: three warnings raised in October's last 15 days, dispatched and never answered. Their
// deadlines (11-04, 11-09, 11-14) fall after the period's end, and November takes only its own warnings.
const late = ['2025-10-20', '2025-10-25', '2025-10-30'].map((day, i) =>
  rectifiedWarning(`gaj-${i + 1}`, `${day}T03:00:00.000Z`, { department: 'D-GAJ' }).slice(0, 3),
);

const project = async (e: Engine) => {
  for (const projection of [ratingsProjection, warningsProjection]) {
    const projector = startProjector(e, projection, { pollIntervalMs: 20 });
    await projector.caughtUp();
    await projector.stop();
  }
};

/** October as of its end, by hand (the same at every reading). */
const octoberFigures = {
  'D-GAJ': {
    warnings: 3,
    rectificationCompletionRate: { numerator: 0, denominator: 3 },
    onTimeDispatchRate: { numerator: 3, denominator: 3 },
    // gaj-1 and gaj-2 overdue at the period's end; gaj-3's reply was due only on 11-02.
    onTimeReplyRate: { numerator: 0, denominator: 2 },
    reopenings: 0,
  },
  'D-RSJ': {
    warnings: 4,
    rectificationCompletionRate: { numerator: 1, denominator: 4 }, // rsj-0; rsj-1 and rsj-3 only later
    onTimeDispatchRate: { numerator: 3, denominator: 3 }, // rsj-3 neither dispatched nor due by then
    onTimeReplyRate: { numerator: 1, denominator: 2 }, // rsj-0 on time, rsj-1 overdue; rsj-2 not due yet
    reopenings: 0, // rsj-2 was reopened in November
  },
} as const;

const figures = (card: Scorecard) => card.rows.map(({ eligibility: _eligibility, ...row }) => row);

for (const engine of engines('scorecard as of the period end')) {
  describe(`scorecard as of the period end on ${engine.name}`, () => {
    let e: Engine;
    const cards = new Map<Date, Scorecard>();
    beforeAll(async () => {
      e = await engine.open();
      await appendWarning(e.store, 'rsj-0', rsj0);
      await appendWarning(e.store, 'rsj-1', rsj1.untilDispatch);
      await appendWarning(e.store, 'rsj-2', rsj2Reopened);
      await appendWarning(e.store, 'rsj-3', rsj3.untilDispatch);
      for (const [i, facts] of late.entries()) await appendWarning(e.store, `gaj-${i + 1}`, facts);
      await project(e);
      cards.set(NOV_2, await appraisalScorecard(e.db, { unit: 'department', period: PERIOD, now: NOV_2, rules }));
      await appendWarning(e.store, 'rsj-1', rsj1.rest);
      await project(e);
      cards.set(DEC_1, await appraisalScorecard(e.db, { unit: 'department', period: PERIOD, now: DEC_1, rules }));
      await appendWarning(e.store, 'rsj-3', rsj3.rest);
      await project(e);
      cards.set(JAN_5, await appraisalScorecard(e.db, { unit: 'department', period: PERIOD, now: JAN_5, rules }));
    });
    afterAll(async () => {
      await e?.close();
    });

    it('read on 11-02, 12-01 and 01-05, October gives the figures it had at its end, under one 统计截止', async () => {
      for (const [now, card] of cards) {
        expect(card.asOf, now.toISOString()).toBe('2025-10-31T16:00:00.000Z');
        expect(card.rows.map((row) => row.unit)).toEqual(['D-GAJ', 'D-RSJ']);
        for (const row of card.rows) {
          expect(row, `${row.unit} read ${now.toISOString()}`).toMatchObject(octoberFigures[row.unit as keyof typeof octoberFigures]);
        }
        // The drill-down counts the same way: its warnings add up to each figure.
        for (const row of card.rows) {
          for (const metric of ['rectification_completion_rate', 'on_time_dispatch_rate', 'on_time_reply_rate', 'reopenings'] as const) {
            const evidence = await scorecardEvidence(e.db, { unit: 'department', code: row.unit, period: PERIOD, metric, now, rules: rules.value });
            const sum = (key: 'numerator' | 'denominator') => evidence.warnings.reduce((n, w) => n + w[key], 0);
            const rate = {
              rectification_completion_rate: row.rectificationCompletionRate,
              on_time_dispatch_rate: row.onTimeDispatchRate,
              on_time_reply_rate: row.onTimeReplyRate,
              reopenings: { numerator: row.reopenings, denominator: row.reopenings },
            }[metric];
            expect([sum('numerator'), sum('denominator')], `${row.unit} ${metric}`).toEqual([rate.numerator, rate.denominator]);
          }
        }
      }
      expect(figures(cards.get(DEC_1)!)).toEqual(figures(cards.get(NOV_2)!));
      // Once every warning's time to rectify has run out (11-16 00:00 Beijing), nothing moves at all.
      expect(cards.get(JAN_5)).toEqual(cards.get(DEC_1));
    });

    it('warnings raised late in the month and never rectified count toward 3 consecutive unrectified (取消评先资格)', async () => {
      const gaj = (card: Scorecard) => card.rows.find((row) => row.unit === 'D-GAJ')!.eligibility;
      // 11-02: all three still inside their 15 days.
      expect(gaj(cards.get(NOV_2)!)).toEqual({ eligible: true, limit: 3, longestRun: 0, causes: [] });
      const midway = await appraisalScorecard(e.db, { unit: 'department', period: PERIOD, now: new Date('2025-11-10T00:00:00.000Z'), rules });
      expect(gaj(midway)).toMatchObject({ eligible: true, longestRun: 2 });
      expect(gaj(cards.get(DEC_1)!)).toEqual({ eligible: false, limit: 3, longestRun: 3, causes: ['gaj-1', 'gaj-2', 'gaj-3'] });
      expect(gaj(cards.get(JAN_5)!)).toEqual(gaj(cards.get(DEC_1)!));
      const evidence = await scorecardEvidence(e.db, { unit: 'department', code: 'D-GAJ', period: PERIOD, metric: 'award_eligible', now: DEC_1, rules: rules.value });
      expect(evidence.warnings.map((w) => [w.warningId, w.rectification, w.causesIneligibility])).toEqual([
        ['gaj-1', 'unrectified', true],
        ['gaj-2', 'unrectified', true],
        ['gaj-3', 'unrectified', true],
      ]);
      // November's scorecard takes November's warnings only: October's are judged in October or nowhere.
      const november = await appraisalScorecard(e.db, { unit: 'department', period: '2025-11', now: DEC_1, rules });
      expect(november.rows.map((row) => row.unit)).not.toContain('D-GAJ');

      // 人社局: rsj-1 was rectified on 11-04, within its 15 days, so it counts as rectified for the rule
      // though not in October's completion rate; rsj-2 was reopened; rsj-3 ran out of time on 11-15.
      const rsj = cards.get(DEC_1)!.rows.find((row) => row.unit === 'D-RSJ')!.eligibility;
      expect(rsj).toEqual({ eligible: true, limit: 3, longestRun: 2, causes: [] });
    });

    it('the page data and the export say when 评先资格 stops changing', async () => {
      const card = cards.get(DEC_1)!;
      expect(card.eligibilityFinalAt).toBe('2025-11-15T16:00:00.000Z');
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load((await scorecardXlsx(card, { created: DEC_1 })) as unknown as ArrayBuffer);
      const notes = workbook.worksheets[1]!.getSheetValues().filter((values) => Array.isArray(values)) as unknown[][];
      expect(notes.find((values) => values[1] === '统计截止(北京时间)')?.[2]).toBe('2025-11-01 00:00:00');
      expect(notes.find((values) => values[1] === '评先资格判定')?.[2]).toContain('2025-11-16 00:00:00 起不再变动');
    });
  });
}
