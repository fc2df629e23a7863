import { assertNever } from '../decider/decider.ts';
import type { CalendarConfigEvent, YearArrangementLoaded } from './events.ts';

export interface CalendarConfigState {
  /** The arrangement in force for each loaded year (the latest version). */
  readonly years: Readonly<Record<number, YearArrangementLoaded['data']>>;
}

export const initialCalendarConfigState: CalendarConfigState = { years: {} };

export const evolveCalendarConfig = (state: CalendarConfigState, event: CalendarConfigEvent): CalendarConfigState => {
  switch (event.type) {
    case 'YearArrangementLoaded':
      return { years: { ...state.years, [event.data.year]: event.data } };
    default:
      return assertNever(event.type);
  }
};
