/**
 * The day range behind a period key of the rating rollups ('2026-03-05', '2026-W10', '2026-03'), so a
 * click on a trend point lists exactly the ratings of that day, ISO week or month.
 */
import { addDays } from './time.ts';

const lastDayOfMonth = (year: number, month: number): string => new Date(Date.UTC(year, month, 0)).toISOString().slice(0, 10);

/** Monday of ISO week `week` of `year`: the week with January 4th is week 1. */
const isoWeekMonday = (year: number, week: number): string => {
  const jan4 = new Date(Date.UTC(year, 0, 4));
  const weekday = jan4.getUTCDay() === 0 ? 7 : jan4.getUTCDay();
  return addDays(jan4.toISOString().slice(0, 10), 1 - weekday + (week - 1) * 7);
};

export const periodRange = (key: string): { from: string; to: string } | null => {
  let match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(key);
  if (match) return { from: key, to: key };
  match = /^(\d{4})-W(\d{2})$/.exec(key);
  if (match) {
    const monday = isoWeekMonday(Number(match[1]), Number(match[2]));
    return { from: monday, to: addDays(monday, 6) };
  }
  match = /^(\d{4})-(\d{2})$/.exec(key);
  if (match) return { from: `${key}-01`, to: lastDayOfMonth(Number(match[1]), Number(match[2])) };
  return null;
};
