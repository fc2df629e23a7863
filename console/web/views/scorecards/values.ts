import type { OverridableMetric, ScorecardLine } from '../../api/scorecards.ts';
import { rateKeys } from '../../api/scorecards.ts';
import { formatRate } from '../../util/rates.ts';

/** An override's value as the scorecard shows it: a rate in percent, 评先资格 as 1/0. */
export const overrideText = (metric: OverridableMetric, value: number | null, words: { eligible: string; ineligible: string }): string =>
  value === null ? '—' : metric === 'award_eligible' ? (value >= 1 ? words.eligible : words.ineligible) : `${(value * 100).toFixed(1)}%`;

/** The computed value of a line's metric, formatted (before any override). */
export const computedText = (line: ScorecardLine, metric: OverridableMetric, words: { eligible: string; ineligible: string }): string =>
  metric === 'award_eligible' ? (line.eligibility.eligible ? words.eligible : words.ineligible) : formatRate(line[rateKeys[metric]]);
