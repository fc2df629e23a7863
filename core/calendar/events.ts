import type { CivilDate } from './civil-date.ts';

/** A named day of a State Council arrangement, e.g. { date: '2027-02-06', name: '春节' }. */
export interface ArrangedDay {
  readonly date: CivilDate;
  readonly name: string;
}

/** Where an arrangement came from: the notice (国务院办公厅关于…部分节假日安排的通知). */
export interface ArrangementSource {
  readonly title: string;
  /** e.g. 国办发明电〔2026〕7号 */
  readonly documentNumber?: string;
  readonly url?: string;
  readonly publishedOn?: CivilDate;
}

/** 年度节假日安排已载入: an administrator entered a year's holidays and make-up workdays (调休). */
export interface YearArrangementLoaded {
  readonly type: 'YearArrangementLoaded';
  readonly data: {
    readonly year: number;
    /** 1 for the first arrangement of the year, +1 for every correction. */
    readonly version: number;
    readonly holidays: readonly ArrangedDay[];
    readonly makeUpWorkdays: readonly ArrangedDay[];
    readonly source: ArrangementSource;
    /** Actor id of the administrator. */
    readonly loadedBy: string;
    readonly loadedAt: string;
  };
}

export type CalendarConfigEvent = YearArrangementLoaded;

export const calendarConfigSchemaVersions = { YearArrangementLoaded: 1 } as const;
