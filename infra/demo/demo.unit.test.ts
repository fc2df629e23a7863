import { describe, expect, it } from 'vitest';
import { chineseDaysCalendar } from '../../core/calendar/official.ts';
import { createWorkingCalendar } from '../../core/calendar/working-calendar.ts';
import { createAgenda } from './agenda.ts';
import { planWorkingDay } from './cases.ts';
import { createRandom } from './random.ts';
import { chooseRating } from './ratings.ts';

const calendar = createWorkingCalendar({ official: chineseDaysCalendar });
const volume = { casesPerWorkingDay: [100, 150] as const, overdueShare: 0.02, instantShare: 0.6 };
const window = { from: Date.parse('2026-10-01T00:00:00+08:00'), to: Date.parse('2026-11-30T00:00:00+08:00') };

describe('demo planning', () => {
  it('one seed gives one day of cases; another seed another', () => {
    const plan = (seed: string) =>
      planWorkingDay({
        date: '2026-10-10',
        random: createRandom(seed).fork('day:2026-10-10'),
        calendar,
        volume,
        ...window,
      });
    expect(JSON.stringify(plan('a'))).toBe(JSON.stringify(plan('a')));
    expect(JSON.stringify(plan('a'))).not.toBe(JSON.stringify(plan('b')));
  });

  it('cases report in order, within office hours, with fake mobile numbers for most people', () => {
    const cases = planWorkingDay({
      date: '2026-10-12',
      random: createRandom('x'),
      calendar,
      volume,
      ...window,
    });
    expect(cases.length).toBeGreaterThanOrEqual(100);
    expect(cases.length).toBeLessThanOrEqual(150);
    for (const planned of cases) {
      const times = planned.reports.map((report) => report.at);
      expect(times).toEqual([...times].sort((a, b) => a - b));
      expect(planned.reports.map((report) => report.body['sequence'])).toEqual(
        planned.reports.map((_, index) => index + 1),
      );
      const hour = new Date(planned.reports[0]!.at + 8 * 3_600_000).getUTCHours();
      expect(hour).toBeGreaterThanOrEqual(8);
      expect(hour).toBeLessThan(18);
      const phone = (planned.reports[0]!.body['case'] as { applicantPhone: string | null }).applicantPhone;
      expect(phone === null || /^1(38|39|50|86|77)0000\d{4}$/.test(phone)).toBe(true);
    }
    expect(cases.filter((planned) => planned.hasPhone).length / cases.length).toBeGreaterThan(0.7);
  });

  it('ratings: about 95% satisfied, a few negative with reasons and comments', () => {
    const random = createRandom('ratings');
    const ratings = Array.from({ length: 20_000 }, () =>
      chooseRating(random, ['SM01', 'PC02', 'RS02'], true),
    );
    const share = (test: (overall: number) => boolean) =>
      ratings.filter((rating) => test(rating.overall)).length / ratings.length;
    expect(share((overall) => overall >= 4)).toBeGreaterThan(0.93);
    expect(share((overall) => overall >= 4)).toBeLessThan(0.97);
    expect(share((overall) => overall <= 2)).toBeGreaterThan(0.015);
    expect(share((overall) => overall <= 2)).toBeLessThan(0.035);
    for (const rating of ratings.filter((r) => r.overall <= 2)) {
      expect(rating.reasons.length).toBeGreaterThan(0);
      expect(rating.comment).toBeTruthy();
    }
    expect(ratings.some((rating) => rating.overall === 3 && rating.reasons.includes('R01'))).toBe(true);
    expect(
      ratings.some(
        (rating) =>
          rating.overall >= 3 &&
          Object.entries(rating.answers).some(([code, level]) => code.startsWith('PC') && level <= 2),
      ),
    ).toBe(true);
  });

  it('the agenda takes actions in time order, ties in the order scheduled', () => {
    const agenda = createAgenda<string>();
    for (const [at, name] of [
      [5, 'e'],
      [1, 'a'],
      [3, 'c1'],
      [3, 'c2'],
      [2, 'b'],
      [3, 'c3'],
    ] as const)
      agenda.schedule(at, name);
    const taken: string[] = [];
    while (agenda.size > 0) taken.push(agenda.take()!.action);
    expect(taken).toEqual(['a', 'b', 'c1', 'c2', 'c3', 'e']);
  });
});
