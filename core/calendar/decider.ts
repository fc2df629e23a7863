import type { Decider } from '../decider/decider.ts';
import type { CalendarConfigCommand } from './commands.ts';
import { decideCalendarConfig } from './decide.ts';
import type { CalendarConfigEvent } from './events.ts';
import { calendarConfigSchemaVersions } from './events.ts';
import type { CalendarConfigState } from './evolve.ts';
import { evolveCalendarConfig, initialCalendarConfigState } from './evolve.ts';

/** The one stream of calendar configuration (配置: 节假日安排). */
export const calendarConfigStreamId = 'config-calendar';

export const calendarConfigDecider: Decider<CalendarConfigCommand, CalendarConfigEvent, CalendarConfigState> = {
  initialState: initialCalendarConfigState,
  decide: decideCalendarConfig,
  evolve: evolveCalendarConfig,
  schemaVersions: calendarConfigSchemaVersions,
};
