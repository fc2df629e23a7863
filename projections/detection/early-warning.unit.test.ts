import { describe, expect, it } from 'vitest';
import type { PeriodCount } from './early-warning.ts';
import { ewmaNegativeRate, pooledBaseline, qualityTrends } from './early-warning.ts';

const weeks = (counts: readonly [number, number][]): PeriodCount[] =>
  counts.map(([rated, negative], index) => ({
    period: `2025-W${String(30 + index).padStart(2, '0')}`,
    rated,
    negative,
  }));

describe('ewmaNegativeRate', () => {
  it('hand-computed: p0 = 10 %, λ = 0.2, one week of 20 negatives in 100 → z = 0.12 > UCL 0.118', () => {
    const [point] = ewmaNegativeRate(weeks([[100, 20]]), {
      baseline: 0.1,
      lambda: 0.2,
      limitWidth: 3,
      minSample: 30,
    });
    expect(point!.rate).toBeCloseTo(0.2, 12);
    expect(point!.ewma).toBeCloseTo(0.12, 12);
    // Var = 0.2² · 0.1 · 0.9 / 100 = 0.000036, σ = 0.006, UCL = 0.1 + 3 · 0.006.
    expect(point!.upperLimit).toBeCloseTo(0.118, 12);
    expect(point!.alarm).toBe(true);
  });

  it('a stable department at its baseline raises nothing', () => {
    const points = ewmaNegativeRate(weeks(Array.from({ length: 12 }, () => [50, 3] as [number, number])), {
      baseline: 0.06,
    });
    expect(points.some((point) => point.alarm)).toBe(false);
  });

  it('a jump from 6 % to 30 % alarms within two weeks, and the alarm names the sample behind it', () => {
    const points = ewmaNegativeRate(
      weeks([
        [50, 3],
        [50, 3],
        [50, 3],
        [50, 3],
        [50, 15],
        [50, 15],
      ]),
      { baseline: 0.06 },
    );
    const first = points.findIndex((point) => point.alarm);
    expect(first).toBeGreaterThanOrEqual(4);
    expect(first).toBeLessThanOrEqual(5);
    expect(points[first]!.sample).toBe(50 * (first + 1));
  });

  it('a tiny sample never alarms: one 差评 out of two ratings at a quiet window', () => {
    const points = ewmaNegativeRate(
      weeks([
        [2, 1],
        [1, 1],
      ]),
      { baseline: 0.05, minSample: 30 },
    );
    expect(points.map((point) => point.alarm)).toEqual([false, false]);
    expect(points[1]!.ewma).toBeGreaterThan(points[1]!.upperLimit);
  });

  it('a week with no ratings changes nothing and has no rate; an empty series has no points', () => {
    const points = ewmaNegativeRate(
      weeks([
        [40, 2],
        [0, 0],
      ]),
      { baseline: 0.05 },
    );
    expect(points[1]).toMatchObject({
      rate: null,
      ewma: points[0]!.ewma,
      upperLimit: points[0]!.upperLimit,
      alarm: false,
    });
    expect(ewmaNegativeRate([], { baseline: 0.05 })).toEqual([]);
  });

  it('refuses impossible counts and parameters', () => {
    expect(() => ewmaNegativeRate(weeks([[1, 2]]), { baseline: 0.05 })).toThrow(RangeError);
    expect(() => ewmaNegativeRate(weeks([[1, 0]]), { baseline: 1.5 })).toThrow(RangeError);
    expect(() => ewmaNegativeRate(weeks([[1, 0]]), { baseline: 0.1, lambda: 0 })).toThrow(RangeError);
  });
});

describe('qualityTrends', () => {
  it('names the department × matter whose latest week alarms, against the pooled baseline', () => {
    const calm = weeks(Array.from({ length: 6 }, () => [100, 5] as [number, number]));
    const rising = weeks([
      [60, 3],
      [60, 3],
      [60, 3],
      [60, 12],
      [60, 20],
      [60, 25],
    ]);
    const trends = qualityTrends(
      [
        { department: 'D-MKT', matter: 'M-LIC', series: calm },
        { department: 'D-TAX', matter: 'M-INV', series: rising },
      ],
      {},
    );
    expect(pooledBaseline([calm, rising])).toBeCloseTo((30 + 66) / 960, 12);
    expect(trends).toHaveLength(1);
    expect(trends[0]).toMatchObject({
      department: 'D-TAX',
      matter: 'M-INV',
      period: '2025-W35',
      sample: 360,
    });
    expect(qualityTrends([], {})).toEqual([]);
  });
});
