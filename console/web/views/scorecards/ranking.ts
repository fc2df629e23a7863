import type { ScorecardLine } from '../../api/scorecards.ts';

export interface RankedLine {
  readonly row: ScorecardLine;
  /** 1-based; null for a unit with no 好评率 or fewer ratings than the minimum. */
  readonly rank: number | null;
}

/**
 * The scorecard's lines ranked by 好评率, best first (competition ranking: ties share a rank; between
 * equal rates, more ratings first). A unit with fewer ratings than `minRatings` (the bulletin's
 * minimum too) or none is listed after the ranked ones, unranked: 100% of one rating is no ranking.
 */
export const rankByGoodRate = (lines: readonly ScorecardLine[], minRatings: number): RankedLine[] => {
  const rankable = (row: ScorecardLine): boolean => row.goodRate.value !== null && row.rated >= minRatings;
  const rows = [...lines].sort((a, b) => {
    if (rankable(a) !== rankable(b)) return rankable(a) ? -1 : 1;
    const x = a.goodRate.value;
    const y = b.goodRate.value;
    if (x === null || y === null) return x === null ? (y === null ? a.unit.localeCompare(b.unit) : 1) : -1;
    return y - x || b.rated - a.rated || a.unit.localeCompare(b.unit);
  });
  const ranks = new Map<string, number>();
  rows.forEach((row, index) => {
    if (!rankable(row)) return;
    const previous = rows[index - 1];
    ranks.set(row.unit, previous && previous.goodRate.value === row.goodRate.value ? ranks.get(previous.unit)! : index + 1);
  });
  return rows.map((row) => ({ row, rank: ranks.get(row.unit) ?? null }));
};
