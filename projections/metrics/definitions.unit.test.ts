import { describe, expect, it } from 'vitest';
import type { LevelCounts } from './definitions.ts';
import {
  callbackRectificationRate,
  callbackSatisfactionRate,
  emptyLevels,
  formatRate,
  formatRateWithCount,
  goodRate,
  metricDefinitions,
  negativeRate,
  negativeReplyRate,
  onTimeDispatchRate,
  onTimeReplyRate,
  rate,
  rectificationCompletionRate,
  responseRate,
  satisfiedRate,
  unratedRate,
} from './definitions.ts';

// A hand-computed month: 20 ratings — 8 非常满意, 6 满意, 3 基本满意, 2 不满意, 1 非常不满意.
const month: LevelCounts = { 5: 8, 4: 6, 3: 3, 2: 2, 1: 1 };

describe('rating rates over the five levels', () => {
  it('好评率 14/20, 满意率 17/20, 差评率 3/20', () => {
    expect(goodRate.compute(month)).toEqual({ value: 0.7, numerator: 14, denominator: 20 });
    expect(satisfiedRate.compute(month)).toEqual({ value: 0.85, numerator: 17, denominator: 20 });
    expect(negativeRate.compute(month)).toEqual({ value: 0.15, numerator: 3, denominator: 20 });
  });

  it('an empty sample has no rate (null, shown as —), never 0 or NaN', () => {
    for (const definition of [goodRate, satisfiedRate, negativeRate]) {
      const result = definition.compute(emptyLevels);
      expect(result).toEqual({ value: null, numerator: 0, denominator: 0 });
      expect(formatRate(result)).toBe('—');
    }
  });

  it('a tiny sample: one 基本满意 is satisfied but not good and not negative', () => {
    const one: LevelCounts = { ...emptyLevels, 3: 1 };
    expect(goodRate.compute(one).value).toBe(0);
    expect(satisfiedRate.compute(one).value).toBe(1);
    expect(negativeRate.compute(one).value).toBe(0);
    expect(formatRateWithCount(satisfiedRate.compute(one))).toBe('100.0% (1/1)');
  });
});

describe('未评率: unrated is its own state', () => {
  it('counts completed cases without a rating, not a default score', () => {
    expect(unratedRate.compute({ completedCases: 40, ratedCases: 30 })).toEqual({
      value: 0.25,
      numerator: 10,
      denominator: 40,
    });
    expect(unratedRate.compute({ completedCases: 0, ratedCases: 0 }).value).toBeNull();
    expect(unratedRate.compute({ completedCases: 1, ratedCases: 0 }).value).toBe(1);
  });

  it('refuses more rated cases than completed ones (a counting bug)', () => {
    expect(() => unratedRate.compute({ completedCases: 1, ratedCases: 2 })).toThrow(RangeError);
  });
});

describe('rectification rates', () => {
  it('差评回复率, 回访整改率, 回访整改满意率, 整改完成率 on hand-computed counts', () => {
    expect(negativeReplyRate.compute({ negativeRatings: 3, replied: 2 })).toEqual({
      value: 2 / 3,
      numerator: 2,
      denominator: 3,
    });
    // The seed: 13 warnings checked by call-back, all rectified.
    expect(callbackRectificationRate.compute({ warnings: 13, verified: 13 }).value).toBe(1);
    expect(callbackSatisfactionRate.compute({ callbacks: 8, satisfied: 6 }).value).toBe(0.75);
    expect(rectificationCompletionRate.compute({ warnings: 4, rectified: 3 }).value).toBe(0.75);
    expect(formatRate(negativeReplyRate.compute({ negativeRatings: 3, replied: 2 }))).toBe('66.7%');
  });

  it('on-time dispatch and reply rates, and their empty samples', () => {
    expect(onTimeDispatchRate.compute({ due: 5, onTime: 4 }).value).toBe(0.8);
    expect(onTimeReplyRate.compute({ due: 2, onTime: 1 }).value).toBe(0.5);
    expect(onTimeDispatchRate.compute({ due: 0, onTime: 0 }).value).toBeNull();
    expect(onTimeReplyRate.compute({ due: 0, onTime: 0 }).value).toBeNull();
  });
});

describe('回收率 (response rate) per channel', () => {
  it('the seed: offline 71 of 154 who opened = 46.1%, online 28 of 205 = 13.7%', () => {
    expect(formatRateWithCount(responseRate.compute({ opened: 154, submitted: 71 }))).toBe('46.1% (71/154)');
    expect(formatRateWithCount(responseRate.compute({ opened: 205, submitted: 28 }))).toBe('13.7% (28/205)');
  });

  it('nobody opened: no rate', () => {
    expect(formatRateWithCount(responseRate.compute({ opened: 0, submitted: 0 }))).toBe('— (0/0)');
  });
});

describe('rate()', () => {
  it('refuses negative, fractional and impossible counts', () => {
    expect(() => rate(-1, 3)).toThrow(RangeError);
    expect(() => rate(1.5, 3)).toThrow(RangeError);
    expect(() => rate(4, 3)).toThrow(RangeError);
    expect(() => rate(Number.NaN, 3)).toThrow(RangeError);
  });

  it('every definition has an id, both names and a formula', () => {
    for (const definition of metricDefinitions) {
      expect(definition.id).toMatch(/^[a-z_]+$/);
      expect(definition.zh.length).toBeGreaterThan(0);
      expect(definition.en.length).toBeGreaterThan(0);
      expect(definition.formula).toContain('÷');
    }
    expect(new Set(metricDefinitions.map((d) => d.id)).size).toBe(metricDefinitions.length);
  });
});
