import { describe, expect, it } from 'vitest';
import { chineseDaysCalendar } from './official.ts';
import { createWorkingCalendar } from './working-calendar.ts';

const cst = (local: string) => new Date(`${local}+08:00`);
const calendar = createWorkingCalendar({ official: chineseDaysCalendar });
const due3 = (local: string) => calendar.dueAfterWorkingDays(cst(local), 3, { endOfDay: true, timeZone: 'Asia/Shanghai' });

describe('official 2026 data from chinese-days', () => {
  it('has the make-up workdays (调休上班) of the State Council notice, all on weekends', () => {
    for (const date of ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10']) {
      expect(calendar.isWorkingDay(date), date).toBe(true);
      expect([0, 6]).toContain(new Date(`${date}T00:00:00Z`).getUTCDay());
    }
    for (const date of ['2026-02-17', '2026-10-01', '2026-10-07', '2026-01-03']) {
      expect(calendar.isWorkingDay(date), date).toBe(false);
    }
    expect(calendar.coverage(2026)).toBe('official');
    expect(calendar.coverage(2004)).toBe('official');
  });
});

describe('dueAfterWorkingDays: 24:00 Asia/Shanghai of the n-th working day after the start day', () => {
  it('an ordinary week: Tuesday → Friday 24:00', () => {
    const result = due3('2026-03-03T10:00:00');
    expect(result.workingDay).toBe('2026-03-06');
    expect(result.at.toISOString()).toBe('2026-03-06T16:00:00.000Z');
    expect(result.fallbackYears).toEqual([]);
    expect(result.coverage).toEqual({ 2026: 'official' });
  });

  it('the start day is the Shanghai day, not the UTC day', () => {
    // 2026-03-02 16:30 UTC is already Tuesday 00:30 in Shanghai.
    expect(calendar.dueAfterWorkingDays(new Date('2026-03-02T16:30:00Z'), 3).workingDay).toBe('2026-03-06');
    expect(calendar.dueAfterWorkingDays(new Date('2026-03-02T15:30:00Z'), 3).workingDay).toBe('2026-03-05');
  });

  it('across a weekend: Thursday → next Tuesday', () => {
    expect(due3('2026-03-05T15:00:00').workingDay).toBe('2026-03-10');
    expect(due3('2026-03-07T11:00:00').workingDay).toBe('2026-03-11'); // a Saturday start counts from Monday
  });

  it('across Spring Festival 2026 with its make-up Saturdays 02-14 and 02-28', () => {
    expect(due3('2026-02-12T09:00:00').workingDay).toBe('2026-02-24'); // Fri 13, Sat 14 (调休), Tue 24
    expect(due3('2026-02-25T09:00:00').workingDay).toBe('2026-02-28'); // Thu 26, Fri 27, Sat 28 (调休)
  });

  it('across National Day 2026 with its make-up days 09-20 (Sunday) and 10-10 (Saturday)', () => {
    expect(due3('2026-09-29T09:00:00').workingDay).toBe('2026-10-09'); // Wed 30, Thu 10-08, Fri 10-09
    expect(due3('2026-10-08T09:00:00').workingDay).toBe('2026-10-12'); // Fri 09, Sat 10 (调休), Mon 12
    expect(due3('2026-09-18T09:00:00').workingDay).toBe('2026-09-22'); // Sun 20 (调休), Mon 21, Tue 22
  });

  it('can keep the start time of day instead of 24:00', () => {
    const result = calendar.dueAfterWorkingDays(cst('2026-03-03T10:15:00'), 1, { endOfDay: false });
    expect(result.at.toISOString()).toBe(cst('2026-03-04T10:15:00').toISOString());
  });

  it('refuses a non-positive count', () => {
    expect(() => calendar.dueAfterWorkingDays(cst('2026-03-03T10:00:00'), 0)).toThrow(RangeError);
  });
});

describe('workingDaysBefore: reminders one working day before the due', () => {
  it('a due at 24:00 Friday → 24:00 Thursday', () => {
    const due = due3('2026-03-03T10:00:00').at;
    expect(calendar.workingDaysBefore(due, 1).at.toISOString()).toBe(cst('2026-03-06T00:00:00').toISOString());
  });

  it('skips the Spring Festival back to the make-up Saturday', () => {
    const due = due3('2026-02-12T09:00:00').at; // 2026-02-24 24:00
    const reminder = calendar.workingDaysBefore(due, 1);
    expect(reminder.workingDay).toBe('2026-02-14');
    expect(reminder.at.toISOString()).toBe(cst('2026-02-15T00:00:00').toISOString());
  });

  it('keeps the time of day of a due that is not at midnight', () => {
    expect(calendar.workingDaysBefore(cst('2026-03-09T15:00:00'), 1).at.toISOString()).toBe(
      cst('2026-03-06T15:00:00').toISOString(),
    );
  });
});

describe('years without data', () => {
  it('2027 falls back to weekdays only and says so', () => {
    expect(calendar.coverage(2027)).toBe('fallback');
    const result = due3('2027-02-05T09:00:00');
    expect(result.workingDay).toBe('2027-02-10');
    expect(result.fallbackYears).toEqual([2027]);
    expect(result.coverage).toEqual({ 2027: 'fallback' });
  });

  it('a deadline that crosses into 2027 is flagged even though it started in 2026', () => {
    const result = due3('2026-12-30T09:00:00');
    expect(result.coverage).toEqual({ 2026: 'official', 2027: 'fallback' });
    expect(result.fallbackYears).toEqual([2027]);
  });

  it('a loaded 2027 arrangement takes precedence over the fallback', () => {
    // A hypothetical arrangement, as an administrator would enter it from next year's notice.
    const loaded = createWorkingCalendar({
      official: chineseDaysCalendar,
      loadedYears: [
        {
          year: 2027,
          version: 1,
          holidays: ['2027-02-06', '2027-02-07', '2027-02-08', '2027-02-09', '2027-02-10', '2027-02-11', '2027-02-12'],
          makeUpWorkdays: ['2027-02-13', '2027-02-14'],
        },
      ],
    });
    expect(loaded.coverage(2027)).toBe('loaded');
    const result = loaded.dueAfterWorkingDays(cst('2027-02-05T09:00:00'), 3);
    expect(result.workingDay).toBe('2027-02-15'); // Sat 13 (调休), Sun 14 (调休), Mon 15
    expect(result.fallbackYears).toEqual([]);
    expect(result.coverage).toEqual({ 2027: 'loaded' });
  });

  it('answers a day of the December before by the notice that names it, the rest of that year as before', () => {
    const loaded = createWorkingCalendar({
      official: chineseDaysCalendar,
      loadedYears: [{ year: 2027, version: 1, holidays: ['2026-12-31', '2027-01-01'], makeUpWorkdays: ['2026-12-26'] }],
    });
    expect(loaded.isWorkingDay('2026-12-26')).toBe(true); // a Saturday the 2027 notice makes a working day
    expect(loaded.isWorkingDay('2026-12-31')).toBe(false); // a Thursday it gives to 元旦
    expect(loaded.isWorkingDay('2026-12-30')).toBe(true); // not named: 2026's own data
    expect(loaded.isWorkingDay('2026-12-27')).toBe(false);
    expect(loaded.coverage(2026)).toBe('official');
    expect(loaded.dueAfterWorkingDays(cst('2026-12-29T09:00:00'), 2).workingDay).toBe('2027-01-04');
  });

  it('a loaded arrangement also wins over the official data of the same year', () => {
    const loaded = createWorkingCalendar({
      official: chineseDaysCalendar,
      loadedYears: [{ year: 2026, version: 2, holidays: ['2026-03-04'], makeUpWorkdays: [] }],
    });
    expect(loaded.coverage(2026)).toBe('loaded');
    expect(loaded.isWorkingDay('2026-03-04')).toBe(false);
    // With only the loaded list, the (official) Spring Festival is a plain week: the loaded year is whole.
    expect(loaded.isWorkingDay('2026-02-16')).toBe(true);
  });
});
