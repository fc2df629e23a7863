/** How numbers are written in a bulletin: '1,203', and rates as '96.2%(1,203/1,250)' or '—'. */
import type { Rate } from '../metrics/definitions.ts';
import { formatRate } from '../metrics/definitions.ts';

export const count = (n: number): string => n.toLocaleString('en-US');

/** The rate with the counts behind it; '—' when there is no sample (never 0%). */
export const rateText = (r: Rate): string =>
  r.value === null ? '—' : `${formatRate(r)}(${count(r.numerator)}/${count(r.denominator)})`;

/** '2026-10' → '2026年10月' */
export const monthText = (month: string): string => {
  const [year, m] = month.split('-');
  return `${year}年${Number(m)}月`;
};
