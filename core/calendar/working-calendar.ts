import type { CivilDate } from './civil-date.ts';
import {
  addDays,
  civilDateOf,
  endOfCivilDay,
  isCivilDate,
  isWeekend,
  startOfCivilDay,
  timeOfDayMs,
  yearOf,
} from './civil-date.ts';
import type { OfficialCalendar } from './official.ts';

/**
 * Where the answer for a year comes from: the published data of the official source, an
 * arrangement an administrator loaded from the State Council notice (it wins over the source), or
 * neither — then weekdays only, which misses holidays and 调休, so callers must raise an operator alert.
 */
export type Coverage = 'official' | 'loaded' | 'fallback';

/** One year's arrangement as loaded by an administrator (节假日 and 调休上班日). */
export interface LoadedYear {
  readonly year: number;
  readonly version: number;
  readonly holidays: readonly CivilDate[];
  readonly makeUpWorkdays: readonly CivilDate[];
}

export interface WorkingDayOptions {
  /** Due at 24:00 of the working day (default) or at the start's time of day. */
  readonly endOfDay?: boolean;
  /** Only China Standard Time is supported; the option exists so call sites say what they mean. */
  readonly timeZone?: 'Asia/Shanghai';
}

export interface WorkingDayResult {
  /** The instant (24:00 Asia/Shanghai of `workingDay` by default). */
  readonly at: Date;
  readonly workingDay: CivilDate;
  /** The coverage of every year the computation looked at. */
  readonly coverage: Readonly<Record<number, Coverage>>;
  /** Years answered by the weekdays-only fallback: non-empty means "raise an operator alert". */
  readonly fallbackYears: readonly number[];
}

export interface WorkingCalendar {
  coverage(year: number): Coverage;
  isWorkingDay(date: CivilDate | Date): boolean;
  /** Due by 24:00 Asia/Shanghai of the n-th working day after the start's own day (n ≥ 1). */
  dueAfterWorkingDays(start: Date, n: number, options?: WorkingDayOptions): WorkingDayResult;
  /**
   * The same time of day n working days before the due's working day (a due at 24:00 belongs to the
   * day that ends then). Used for reminders: `workingDaysBefore(due, 1)`.
   */
  workingDaysBefore(due: Date, n: number): WorkingDayResult;
}

/** Longest run of non-working days we accept before calling the data broken. */
const MAX_GAP_DAYS = 60;

export const createWorkingCalendar = (deps: {
  readonly official: OfficialCalendar;
  readonly loadedYears?: readonly LoadedYear[];
}): WorkingCalendar => {
  const loaded = new Set<number>();
  // Every day a loaded notice names, whichever year it falls in: a notice may reach back into the
  // December before its year (元旦 from 30 December, a make-up Saturday on the 31st). Later notices
  // are applied last, so the one that names a day for its own 元旦 wins over the year before's.
  const named = new Map<CivilDate, boolean>();
  for (const year of [...(deps.loadedYears ?? [])].sort((a, b) => a.year - b.year)) {
    loaded.add(year.year);
    for (const date of year.holidays) named.set(date, false);
    for (const date of year.makeUpWorkdays) named.set(date, true);
  }

  const coverage = (year: number): Coverage =>
    loaded.has(year) ? 'loaded' : deps.official.covers(year) ? 'official' : 'fallback';

  const isWorkingDate = (date: CivilDate): boolean => {
    const working = named.get(date);
    if (working !== undefined) return working;
    const year = yearOf(date);
    if (loaded.has(year)) return !isWeekend(date);
    if (deps.official.covers(year)) return deps.official.isWorkingDay(date);
    return !isWeekend(date);
  };

  const step = (from: CivilDate, n: number, direction: 1 | -1) => {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`working days must be a positive integer, got ${n}`);
    const seen: Record<number, Coverage> = {};
    let date = from;
    let found = 0;
    let gap = 0;
    while (found < n) {
      date = addDays(date, direction);
      const year = yearOf(date);
      seen[year] ??= coverage(year);
      if (isWorkingDate(date)) {
        found++;
        gap = 0;
      } else if (++gap > MAX_GAP_DAYS) {
        throw new RangeError(`no working day within ${MAX_GAP_DAYS} days of ${date}: calendar data is wrong`);
      }
    }
    const fallbackYears = Object.entries(seen)
      .filter(([, value]) => value === 'fallback')
      .map(([year]) => Number(year));
    return { workingDay: date, coverage: seen, fallbackYears };
  };

  return {
    coverage,
    isWorkingDay: (date) => {
      const civil = typeof date === 'string' ? date : civilDateOf(date);
      if (!isCivilDate(civil)) throw new RangeError(`not a date: ${civil}`);
      return isWorkingDate(civil);
    },
    dueAfterWorkingDays: (start, n, options = {}) => {
      const found = step(civilDateOf(start), n, 1);
      const at =
        options.endOfDay === false
          ? new Date(startOfCivilDay(found.workingDay).getTime() + timeOfDayMs(start))
          : endOfCivilDay(found.workingDay);
      return { at, ...found };
    },
    workingDaysBefore: (due, n) => {
      // A due at exactly 00:00 is 24:00 of the day before: that is the day it belongs to.
      const endOfDay = timeOfDayMs(due) === 0;
      const day = endOfDay ? addDays(civilDateOf(due), -1) : civilDateOf(due);
      const found = step(day, n, -1);
      const at = endOfDay
        ? endOfCivilDay(found.workingDay)
        : new Date(startOfCivilDay(found.workingDay).getTime() + timeOfDayMs(due));
      return { at, ...found };
    },
  };
};
