import { fold } from '../decider/decider.ts';
import type { EventStore } from '../eventstore/types.ts';
import { calendarConfigDecider, calendarConfigStreamId } from './decider.ts';
import type { CalendarConfigEvent } from './events.ts';
import type { CalendarConfigState } from './evolve.ts';
import type { OfficialCalendar } from './official.ts';
import { chineseDaysCalendar } from './official.ts';
import type { LoadedYear, WorkingCalendar } from './working-calendar.ts';
import { createWorkingCalendar } from './working-calendar.ts';

export const loadedYearsOf = (state: CalendarConfigState): LoadedYear[] =>
  Object.values(state.years).map((year) => ({
    year: year.year,
    version: year.version,
    holidays: year.holidays.map((day) => day.date),
    makeUpWorkdays: year.makeUpWorkdays.map((day) => day.date),
  }));

/** The calendar in force: the official source plus every arrangement loaded into `config-calendar`. */
export const loadWorkingCalendar = async (
  store: EventStore,
  official: OfficialCalendar = chineseDaysCalendar,
): Promise<WorkingCalendar> => {
  const events = (await store.readStream(calendarConfigStreamId)) as unknown as CalendarConfigEvent[];
  return createWorkingCalendar({ official, loadedYears: loadedYearsOf(fold(calendarConfigDecider, events)) });
};
