import { describe, it } from 'vitest';
import { spec } from '../decider/testing.ts';
import type { LoadYearArrangement } from './commands.ts';
import { calendarConfigDecider } from './decider.ts';
import type { YearArrangementLoaded } from './events.ts';

const at = new Date('2026-12-01T02:00:00Z');
const admin = { id: 'admin-1', role: 'administrator' };
const source = { title: '国务院办公厅关于2027年部分节假日安排的通知', documentNumber: '国办发明电〔2026〕1号' };

const load = (overrides: Partial<LoadYearArrangement> = {}): LoadYearArrangement => ({
  type: 'LoadYearArrangement',
  year: 2027,
  holidays: [
    { date: '2027-02-07', name: '春节' },
    { date: '2027-02-06', name: '春节' },
  ],
  makeUpWorkdays: [{ date: '2027-02-13', name: '春节' }],
  source,
  at,
  actor: admin,
  ...overrides,
});

const loaded = (version: number, overrides: Partial<YearArrangementLoaded['data']> = {}): YearArrangementLoaded => ({
  type: 'YearArrangementLoaded',
  data: {
    year: 2027,
    version,
    holidays: [
      { date: '2027-02-06', name: '春节' },
      { date: '2027-02-07', name: '春节' },
    ],
    makeUpWorkdays: [{ date: '2027-02-13', name: '春节' }],
    source,
    loadedBy: 'admin-1',
    loadedAt: at.toISOString(),
    ...overrides,
  },
});

describe('LoadYearArrangement (载入年度节假日安排)', () => {
  const calendar = spec(calendarConfigDecider);

  it('loads a first arrangement as version 1, dates sorted, with who and source', () => {
    calendar.given([]).when(load()).then([loaded(1)]);
  });

  it('a corrected arrangement becomes the next version', () => {
    calendar
      .given([loaded(1)])
      .when(load({ makeUpWorkdays: [{ date: '2027-02-14', name: '春节' }] }))
      .then([loaded(2, { makeUpWorkdays: [{ date: '2027-02-14', name: '春节' }] })]);
  });

  it('loading the same arrangement again changes nothing', () => {
    calendar.given([loaded(1)]).when(load()).then([]);
  });

  it('refuses anyone but an administrator', () => {
    calendar.given([]).when(load({ actor: { id: 'u', role: 'dispatcher' } })).thenRefuses('CALENDAR_ADMIN_ONLY');
  });

  it('refuses an arrangement without its source', () => {
    calendar.given([]).when(load({ source: { title: ' ' } })).thenRefuses('CALENDAR_SOURCE_REQUIRED');
  });

  it('refuses an arrangement without holidays', () => {
    calendar.given([]).when(load({ holidays: [] })).thenRefuses('CALENDAR_EMPTY_ARRANGEMENT');
  });

  it('refuses a date of another year or no date at all', () => {
    calendar.given([]).when(load({ holidays: [{ date: '2026-11-30', name: '元旦' }] })).thenRefuses('CALENDAR_DATE_OUTSIDE_YEAR');
    calendar.given([]).when(load({ holidays: [{ date: '2028-01-01', name: '元旦' }] })).thenRefuses('CALENDAR_DATE_OUTSIDE_YEAR');
    calendar.given([]).when(load({ holidays: [{ date: '2027-02-30', name: '春节' }] })).thenRefuses('CALENDAR_DATE_OUTSIDE_YEAR');
  });

  it('takes the December before the year, where a notice may begin 元旦 or put a make-up Saturday', () => {
    // As the 2024 notice began 元旦 on 2023-12-30, and the 2012 notice made Saturday 2011-12-31 a working day.
    const holidays = [
      { date: '2026-12-31', name: '元旦' },
      { date: '2027-01-01', name: '元旦' },
    ];
    const makeUpWorkdays = [{ date: '2026-12-26', name: '元旦' }];
    calendar
      .given([])
      .when(load({ holidays, makeUpWorkdays }))
      .then([loaded(1, { holidays, makeUpWorkdays })]);
  });

  it('refuses a date listed twice (also across the two lists)', () => {
    calendar
      .given([])
      .when(load({ makeUpWorkdays: [{ date: '2027-02-06', name: '春节' }] }))
      .thenRefuses('CALENDAR_DUPLICATE_DATE');
  });

  it('refuses a make-up workday that is not a weekend day', () => {
    calendar
      .given([])
      .when(load({ makeUpWorkdays: [{ date: '2027-02-15', name: '春节' }] }))
      .thenRefuses('CALENDAR_MAKEUP_NOT_WEEKEND');
  });
});
