import { assertNever } from '../decider/decider.ts';
import { DomainError } from '../shared/errors.ts';
import type { CivilDate } from './civil-date.ts';
import { isCivilDate, isWeekend, yearOf } from './civil-date.ts';
import type { CalendarConfigCommand, LoadYearArrangement } from './commands.ts';
import type { ArrangedDay, CalendarConfigEvent } from './events.ts';
import type { CalendarConfigState } from './evolve.ts';

/** Refuses in both languages: the message in Chinese, `en` shown to English readers (problem+json). */
const refuse = (code: string, message: string, en: string, details: Record<string, unknown> = {}): never => {
  throw new DomainError(code, message, { status: 422, details: { ...details, en } });
};

const sameDays = (a: readonly ArrangedDay[], b: readonly ArrangedDay[]) =>
  a.length === b.length && a.every((day, i) => day.date === b[i]!.date && day.name === b[i]!.name);

/**
 * The days a year's notice may name: its own, and the December before it. 元旦 may begin on 30
 * December (the 2024 notice: 2023-12-30 to 2024-01-01), and a make-up workday may fall there (the
 * 2012 notice made Saturday 2011-12-31 a working day).
 */
const inNoticeYear = (date: CivilDate, year: number): boolean =>
  yearOf(date) === year || (yearOf(date) === year - 1 && date.slice(5, 7) === '12');

const byDate = (days: readonly ArrangedDay[]) => [...days].sort((x, y) => x.date.localeCompare(y.date));

const loadYearArrangement = (command: LoadYearArrangement, state: CalendarConfigState): CalendarConfigEvent[] => {
  if (command.actor.role !== 'administrator') refuse('CALENDAR_ADMIN_ONLY', '只有管理员可以载入节假日安排', 'Only an administrator may load the holiday arrangement.');
  if (command.source.title.trim() === '') refuse('CALENDAR_SOURCE_REQUIRED', '请注明通知来源', 'Name the notice the arrangement comes from.', { field: 'source.title' });
  if (command.holidays.length === 0) refuse('CALENDAR_EMPTY_ARRANGEMENT', '节假日安排不能为空', 'The holiday arrangement must not be empty.', { field: 'holidays' });

  const all = [...command.holidays, ...command.makeUpWorkdays];
  for (const day of all) {
    if (!isCivilDate(day.date) || !inNoticeYear(day.date, command.year)) {
      refuse(
        'CALENDAR_DATE_OUTSIDE_YEAR',
        `${day.date} 不在 ${command.year} 年内(通知只可延伸到上一年 12 月)`,
        `${day.date} is not in ${command.year} (a notice reaches back into the December before at most).`,
        { date: day.date },
      );
    }
  }
  const seen = new Set<string>();
  for (const day of all) {
    if (seen.has(day.date)) refuse('CALENDAR_DUPLICATE_DATE', `${day.date} 重复出现`, `${day.date} appears twice.`, { date: day.date });
    seen.add(day.date);
  }
  for (const day of command.makeUpWorkdays) {
    // 调休上班 only ever moves a weekend day into the working week.
    if (!isWeekend(day.date)) refuse('CALENDAR_MAKEUP_NOT_WEEKEND', `${day.date} 不是周末，无需调休`, `${day.date} is not a weekend day, so it needs no make-up.`, { date: day.date });
  }

  const holidays = byDate(command.holidays);
  const makeUpWorkdays = byDate(command.makeUpWorkdays);
  const current = state.years[command.year];
  if (current && sameDays(current.holidays, holidays) && sameDays(current.makeUpWorkdays, makeUpWorkdays)) return [];

  return [
    {
      type: 'YearArrangementLoaded',
      data: {
        year: command.year,
        version: (current?.version ?? 0) + 1,
        holidays,
        makeUpWorkdays,
        source: command.source,
        loadedBy: command.actor.id,
        loadedAt: command.at.toISOString(),
      },
    },
  ];
};

export const decideCalendarConfig = (
  command: CalendarConfigCommand,
  state: CalendarConfigState,
): CalendarConfigEvent[] => {
  switch (command.type) {
    case 'LoadYearArrangement':
      return loadYearArrangement(command, state);
    default:
      return assertNever(command.type);
  }
};
