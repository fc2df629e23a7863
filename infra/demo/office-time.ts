/** Office hours and working days in Asia/Shanghai, for the people the demo simulates. */
import type { CivilDate } from '../../core/calendar/civil-date.ts';
import { addDays, civilDateOf, startOfCivilDay, timeOfDayMs } from '../../core/calendar/civil-date.ts';
import type { WorkingCalendar } from '../../core/calendar/working-calendar.ts';
import type { Random } from './random.ts';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;

/** A moment of a civil day, in minutes after midnight Asia/Shanghai. */
export const atMinute = (date: CivilDate, minute: number): number =>
  startOfCivilDay(date).getTime() + minute * MINUTE;

export const minuteOfDay = (ms: number): number => Math.floor(timeOfDayMs(new Date(ms)) / MINUTE);

/** Office hours 8:30–12:00 and 14:00–17:30; mornings are busier. */
export const officeMinute = (random: Random): number =>
  random.chance(0.58) ? random.int(8 * 60 + 30, 11 * 60 + 55) : random.int(14 * 60, 17 * 60 + 25);

/** The n-th working day after `date` (n ≥ 1); n = 0 is `date` itself. */
export const workingDayAfter = (calendar: WorkingCalendar, date: CivilDate, n: number): CivilDate => {
  let day = date;
  let found = 0;
  while (found < n) {
    day = addDays(day, 1);
    if (calendar.isWorkingDay(day)) found++;
  }
  return day;
};

/**
 * A moment in office hours on the k-th working day after `after`'s day (k = 0: the same day if it
 * is a working day), later than `after`; rolls over to the next working day when that day is over.
 */
export const officeMomentAfter = (
  calendar: WorkingCalendar,
  random: Random,
  after: number,
  k: number,
): number => {
  let day = civilDateOf(new Date(after));
  if (k === 0 && !calendar.isWorkingDay(day)) day = workingDayAfter(calendar, day, 1);
  else if (k > 0) day = workingDayAfter(calendar, day, k);
  for (let attempt = 0; attempt < 3; attempt++) {
    const earliest = Math.max(after + 5 * MINUTE, atMinute(day, 8 * 60 + 30));
    const close = atMinute(day, 17 * 60 + 30);
    if (earliest < close - 10 * MINUTE)
      return earliest + Math.floor(random.next() * Math.min(close - earliest, 5 * HOUR));
    day = workingDayAfter(calendar, day, 1);
  }
  return atMinute(day, officeMinute(random));
};
