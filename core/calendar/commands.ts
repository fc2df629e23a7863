import * as v from 'valibot';
import type { Actor } from '../eventstore/types.ts';
import { isCivilDate } from './civil-date.ts';
import type { ArrangedDay, ArrangementSource } from './events.ts';

/** 载入年度节假日安排 — as entered from the State Council notice. */
export interface LoadYearArrangement {
  readonly type: 'LoadYearArrangement';
  readonly year: number;
  readonly holidays: readonly ArrangedDay[];
  readonly makeUpWorkdays: readonly ArrangedDay[];
  readonly source: ArrangementSource;
  readonly at: Date;
  readonly actor: Actor;
}

export type CalendarConfigCommand = LoadYearArrangement;

const civilDate = v.pipe(v.string(), v.check(isCivilDate, 'must be a date YYYY-MM-DD'));
const arrangedDay = v.object({ date: civilDate, name: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(40)) });

/** What an administrator submits (HTTP or CLI); the boundary validates it with this schema. */
export const loadYearArrangementInput = v.object({
  year: v.pipe(v.number(), v.integer(), v.minValue(2000), v.maxValue(2100)),
  holidays: v.pipe(v.array(arrangedDay), v.minLength(1), v.maxLength(60)),
  makeUpWorkdays: v.pipe(v.array(arrangedDay), v.maxLength(30)),
  source: v.object({
    title: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(200)),
    documentNumber: v.optional(v.pipe(v.string(), v.maxLength(80))),
    url: v.optional(v.pipe(v.string(), v.url())),
    publishedOn: v.optional(civilDate),
  }),
});
export type LoadYearArrangementInput = v.InferOutput<typeof loadYearArrangementInput>;
