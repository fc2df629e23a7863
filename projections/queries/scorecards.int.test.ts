import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WarningEvent } from '../../core/warning/events.ts';
import { ratingsProjection } from '../ratings/projection.ts';
import { startProjector } from '../runtime/projector.ts';
import type { Engine } from '../testing/engines.ts';
import { engines } from '../testing/engines.ts';
import { appendWarning, rate, rectifiedWarning, subject, warningRaised } from '../testing/events.ts';
import { warningsProjection } from '../warnings/projection.ts';
import { periodDays, scorecardRows } from './scorecards.ts';

describe('periodDays', () => {
  it('months, quarters and years in Beijing calendar days; refuses anything else', () => {
    expect(periodDays('2025-10')).toEqual({ from: '2025-10-01', to: '2025-10-31' });
    expect(periodDays('2024-02')).toEqual({ from: '2024-02-01', to: '2024-02-29' });
    expect(periodDays('2025-Q4')).toEqual({ from: '2025-10-01', to: '2025-12-31' });
    expect(periodDays('2025')).toEqual({ from: '2025-01-01', to: '2025-12-31' });
    expect(() => periodDays('2025-13')).toThrow();
    expect(() => periodDays('2025-Q5')).toThrow();
    expect(() => periodDays('0000'), 'a year the database cannot hold as a time').toThrow();
    expect(() => periodDays('0000-01')).toThrow();
  });
});

for (const engine of engines('scorecards')) {
  describe(`scorecards on ${engine.name}`, () => {
    let e: Engine;
    beforeAll(async () => {
      e = await engine.open();
      const tax = subject({
        department: { code: 'D-TAX', name: '税务局' },
        window: { code: 'W-3', name: '3号窗口' },
        staff: { id: 'S-3', displayName: '3号' },
      });
      await rate(e.store, 'a-5', '2025-10-02T02:00:00.000Z', { overall: 5 });
      const two = await rate(e.store, 'a-2', '2025-10-03T02:00:00.000Z', { overall: 2 });
      const one = await rate(e.store, 'a-1', '2025-10-04T02:00:00.000Z', { overall: 1 });
      await rate(e.store, 'a-tax', '2025-10-05T02:00:00.000Z', { overall: 4, subject: tax });
      await rate(e.store, 'a-nov', '2025-11-01T02:00:00.000Z', { overall: 1 });
      // 不满意: reopened once after a failed on-site check, then rectified.
      const [raised, dispatched, deadline, replied, phone, onSite, closed] = rectifiedWarning(
        's-two',
        '2025-10-03T03:00:00.000Z',
        { ratingEventId: two },
      );
      const reopened: WarningEvent[] = [
        raised!,
        dispatched!,
        deadline!,
        replied!,
        {
          type: 'WarningReopened',
          data: { count: 1, failedCheck: 'on_site', at: '2025-10-05T03:00:00.000Z' },
        },
        {
          ...replied!,
          data: { ...(replied!.data as object), round: 1, at: '2025-10-06T03:00:00.000Z' },
        } as WarningEvent,
        phone!,
        onSite!,
        closed!,
      ];
      await appendWarning(e.store, 's-two', reopened);
      // 非常不满意: appeal upheld, the rating no longer counts.
      await appendWarning(e.store, 's-one', [
        warningRaised('s-one', '2025-10-04T03:00:00.000Z', { ratingEventId: one }),
        {
          type: 'AppealFiled',
          data: {
            by: 'S-7',
            department: 'D-MKT',
            reason: '恶意评价',
            evidence: [],
            at: '2025-10-04T04:00:00.000Z',
          },
        },
        {
          type: 'AppealReviewed',
          data: {
            by: 'u-lead',
            decision: 'upheld',
            reason: '属实',
            ratingEventId: one,
            ratingExcludedFromAppraisal: true,
            at: '2025-10-05T04:00:00.000Z',
          },
        },
        {
          type: 'WarningClosed',
          data: {
            outcome: 'appeal_upheld',
            ratingExcludedFromAppraisal: true,
            at: '2025-10-05T04:00:01.000Z',
          },
        },
      ]);
      for (const projection of [ratingsProjection, warningsProjection]) {
        const projector = startProjector(e, projection, { pollIntervalMs: 20 });
        await projector.caughtUp();
        await projector.stop();
      }
    });
    afterAll(async () => {
      await e?.close();
    });

    it('a month with an upheld appeal and a reopened warning, by department', async () => {
      const rows = await scorecardRows(e.db, {
        unit: 'department',
        period: '2025-10',
        now: new Date('2025-11-10T00:00:00Z'),
      });
      expect(rows.map((row) => row.unit)).toEqual(['D-MKT', 'D-TAX']);
      expect(rows[0]).toMatchObject({
        unit: 'D-MKT',
        rated: 2,
        levels: { 1: 0, 2: 1, 3: 0, 4: 0, 5: 1 },
        excludedRatings: 1,
        goodRate: { value: 0.5, numerator: 1, denominator: 2 },
        negativeRate: { value: 0.5, numerator: 1, denominator: 2 },
        warnings: 1,
        rectificationCompletionRate: { value: 1, numerator: 1, denominator: 1 },
        onTimeDispatchRate: { value: 1, numerator: 1, denominator: 1 },
        onTimeReplyRate: { value: 1, numerator: 2, denominator: 2 },
        reopenings: 1,
        appealsUpheld: 1,
      });
      expect(rows[1]).toMatchObject({
        unit: 'D-TAX',
        rated: 1,
        warnings: 0,
        rectificationCompletionRate: { value: null },
      });
    });

    it('by staff and by window; another period sees only its own ratings', async () => {
      expect(
        (
          await scorecardRows(e.db, {
            unit: 'staff',
            period: '2025-Q4',
            now: new Date('2025-12-31T00:00:00Z'),
          })
        ).map((row) => [row.unit, row.rated]),
      ).toEqual([
        ['S-3', 1],
        ['S-7', 3],
      ]);
      expect(
        (
          await scorecardRows(e.db, {
            unit: 'window',
            period: '2025-11',
            now: new Date('2025-12-01T00:00:00Z'),
          })
        ).map((row) => [row.unit, row.rated]),
      ).toEqual([['H-SMZJ/W-12', 1]]);
    });
  });
}
