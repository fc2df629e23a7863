/**
 * Calendar keys in China Standard Time (Asia/Shanghai, UTC+8 all year: no daylight saving since
 * 1991), so a rating at 23:30 Beijing time counts on its own day whatever the server's zone is.
 */
const OFFSET_MS = 8 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface TimeKeys {
  /** 'YYYY-MM-DD' */
  readonly dayKey: string;
  /** ISO week, 'YYYY-Www' (weeks start on Monday; the year is the ISO week-year). */
  readonly weekKey: string;
  /** 'YYYY-MM' */
  readonly monthKey: string;
  /** 1 = Monday … 7 = Sunday */
  readonly weekday: number;
  /** 0…23 */
  readonly hour: number;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

export const shanghaiKeys = (instant: string | Date): TimeKeys => {
  const ms = typeof instant === 'string' ? Date.parse(instant) : instant.getTime();
  if (Number.isNaN(ms)) throw new Error(`not an instant: ${String(instant)}`);
  const local = new Date(ms + OFFSET_MS);
  const year = local.getUTCFullYear();
  const month = local.getUTCMonth() + 1;
  const day = local.getUTCDate();
  const weekday = local.getUTCDay() === 0 ? 7 : local.getUTCDay();
  // ISO week: the week (Monday…Sunday) that holds this date's Thursday belongs to that Thursday's year.
  const midnight = Date.UTC(year, month - 1, day);
  const thursday = new Date(midnight + (4 - weekday) * DAY_MS);
  const weekYear = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - Date.UTC(weekYear, 0, 1)) / DAY_MS / 7) + 1;
  return {
    dayKey: `${year}-${pad(month)}-${pad(day)}`,
    weekKey: `${weekYear}-W${pad(week)}`,
    monthKey: `${year}-${pad(month)}`,
    weekday,
    hour: local.getUTCHours(),
  };
};
