import type { Rate } from '../api/types.ts';

/** '46.1%', or '—' when there is no sample: an empty sample is never shown as 0%. */
export const formatRate = (rate: Rate | null | undefined, digits = 1): string =>
  rate && rate.value !== null ? `${(rate.value * 100).toFixed(digits)}%` : '—';

/** Change of a rate against the previous period in percentage points, or null when either has no sample. */
export const changeInPoints = (current: Rate | null | undefined, previous: Rate | null | undefined): number | null =>
  current?.value == null || previous?.value == null ? null : (current.value - previous.value) * 100;

export const formatPoints = (points: number | null): string =>
  points === null ? '—' : `${points > 0 ? '+' : points < 0 ? '−' : '±'}${Math.abs(points).toFixed(1)} pp`;

/** A rate as a chart value (percent), null for no sample so the chart leaves a gap instead of a 0. */
export const percentOrNull = (rate: Rate | null | undefined): number | null => (rate && rate.value !== null ? Number((rate.value * 100).toFixed(2)) : null);
