import chineseDays from 'chinese-days';
import type { CivilDate } from './civil-date.ts';
import { yearOf } from './civil-date.ts';

/** A source of the State Council's published arrangements (国务院办公厅关于部分节假日安排的通知). */
export interface OfficialCalendar {
  readonly name: string;
  /** True when the source holds the published arrangement of this year. */
  covers(year: number): boolean;
  isWorkingDay(date: CivilDate): boolean;
}

const coveredYears = new Map<number, boolean>();

/**
 * chinese-days 1.5.7. Its named ESM exports fail on Node, hence the default import. Outside the
 * years it has data for (2004–2026) it silently answers "weekdays only", so `covers` checks that the
 * year has any holiday at all before its answers are trusted.
 */
export const chineseDaysCalendar: OfficialCalendar = {
  name: 'chinese-days@1.5.7',
  covers(year) {
    let known = coveredYears.get(year);
    if (known === undefined) {
      known = chineseDays.getHolidaysInRange(`${year}-01-01`, `${year}-12-31`, false).length > 0;
      coveredYears.set(year, known);
    }
    return known;
  },
  isWorkingDay(date) {
    if (!this.covers(yearOf(date))) throw new RangeError(`${this.name} has no data for ${date}`);
    return chineseDays.isWorkday(date);
  },
};
