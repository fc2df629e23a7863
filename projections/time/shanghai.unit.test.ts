import { describe, expect, it } from 'vitest';
import { shanghaiKeys } from './shanghai.ts';

describe('shanghaiKeys', () => {
  it('counts an instant on its Beijing-time day, hour and weekday', () => {
    // 2025-10-31T16:30Z is Saturday 2025-11-01 00:30 in Beijing.
    expect(shanghaiKeys('2025-10-31T16:30:00Z')).toEqual({
      dayKey: '2025-11-01',
      weekKey: '2025-W44',
      monthKey: '2025-11',
      weekday: 6,
      hour: 0,
    });
    expect(shanghaiKeys('2025-10-31T15:59:59Z')).toMatchObject({
      dayKey: '2025-10-31',
      monthKey: '2025-10',
      weekday: 5,
      hour: 23,
    });
  });

  it('uses ISO week-years at the turn of the year', () => {
    // 2024-12-30 (Monday) belongs to 2025-W01; 2027-01-01 (Friday) to 2026-W53.
    expect(shanghaiKeys('2024-12-30T02:00:00Z').weekKey).toBe('2025-W01');
    expect(shanghaiKeys('2027-01-01T02:00:00Z').weekKey).toBe('2026-W53');
    expect(shanghaiKeys('2026-01-04T02:00:00Z')).toMatchObject({ weekKey: '2026-W01', weekday: 7 });
  });

  it('refuses what is not an instant', () => {
    expect(() => shanghaiKeys('yesterday')).toThrow(/not an instant/);
  });
});
