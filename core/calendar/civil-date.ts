/**
 * Civil dates (公历日期, 'YYYY-MM-DD') in China Standard Time. Asia/Shanghai has been a fixed UTC+8
 * without daylight saving since 1991, so a constant offset is exact for every date this system sees
 * and keeps the calendar free of Intl time-zone data.
 */
export type CivilDate = string;

export const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;
const CIVIL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export const isCivilDate = (value: string): boolean => {
  const match = CIVIL_DATE.exec(value);
  if (!match) return false;
  const parsed = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === value;
};

/** The date on the wall calendar in Shanghai at this instant. */
export const civilDateOf = (instant: Date): CivilDate =>
  new Date(instant.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);

/** The wall clock in Shanghai at this instant, 'YYYY-MM-DD HH:mm:ss' (what exports and printouts show). */
export const shanghaiDateTime = (instant: Date | string): string =>
  new Date((typeof instant === 'string' ? Date.parse(instant) : instant.getTime()) + SHANGHAI_OFFSET_MS)
    .toISOString()
    .replace('T', ' ')
    .slice(0, 19);

/** 00:00 Shanghai time of the date, as an instant. */
export const startOfCivilDay = (date: CivilDate): Date =>
  new Date(Date.parse(`${date}T00:00:00Z`) - SHANGHAI_OFFSET_MS);

/** 24:00 Shanghai time of the date (= 00:00 of the next day), as an instant. */
export const endOfCivilDay = (date: CivilDate): Date => new Date(startOfCivilDay(date).getTime() + DAY_MS);

/** Milliseconds since 00:00 Shanghai time of the instant's own civil day. */
export const timeOfDayMs = (instant: Date): number =>
  instant.getTime() - startOfCivilDay(civilDateOf(instant)).getTime();

export const addDays = (date: CivilDate, days: number): CivilDate =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

/** 0 = Sunday … 6 = Saturday. */
export const weekdayOf = (date: CivilDate): number => new Date(`${date}T00:00:00Z`).getUTCDay();

export const isWeekend = (date: CivilDate): boolean => {
  const day = weekdayOf(date);
  return day === 0 || day === 6;
};

export const yearOf = (date: CivilDate): number => Number(date.slice(0, 4));
