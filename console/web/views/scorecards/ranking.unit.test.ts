import { describe, expect, it } from 'vitest';
import type { ScorecardLine } from '../../api/scorecards.ts';
import { rankByGoodRate } from './ranking.ts';

const line = (unit: string, good: number, rated: number): ScorecardLine =>
  ({ unit, rated, goodRate: { value: rated === 0 ? null : good / rated, numerator: good, denominator: rated } }) as unknown as ScorecardLine;

describe('scorecard ranking by 好评率', () => {
  it('ranks units with enough ratings, ties sharing a rank; one with 1 of 1 is listed after them, unranked', () => {
    const ranked = rankByGoodRate([line('W-1', 1, 1), line('W-2', 9, 10), line('W-3', 18, 20), line('W-4', 5, 10), line('W-5', 0, 0)], 5);
    expect(ranked.map((entry) => [entry.row.unit, entry.rank])).toEqual([
      ['W-3', 1],
      ['W-2', 1],
      ['W-4', 3],
      ['W-1', null],
      ['W-5', null],
    ]);
  });
});
