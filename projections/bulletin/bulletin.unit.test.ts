import { describe, expect, it } from 'vitest';
import { rate } from '../metrics/definitions.ts';
import { summarise } from '../queries/ratings.ts';
import { departmentGoodRateChart } from './charts.ts';
import type { BulletinFigures } from './figures.ts';
import { monthDays } from './figures.ts';
import { count, monthText, rateText } from './format.ts';
import { suggestions } from './suggestions.ts';

const none = rate(0, 0);
const empty = summarise({ 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 });
const quiet: BulletinFigures = {
  month: '2026-10',
  from: '2026-10-01',
  to: '2026-10-31',
  asOf: '2026-11-02T01:00:00.000Z',
  overall: empty,
  unrated: none,
  funnel: [],
  previousMonth: { month: '2026-09', summary: empty },
  daily: [],
  departments: [],
  windows: [],
  warnings: {
    raised: 0,
    dispatched: 0,
    closed: 0,
    open: 0,
    overdue: 0,
    appealUpheld: 0,
    negativeReplyRate: none,
    callbackRectificationRate: none,
    callbackSatisfactionRate: none,
    rectificationCompletionRate: none,
    onTimeDispatchRate: none,
    onTimeReplyRate: none,
  },
  recurring: [],
  windowMinSample: 5,
};

describe('bulletin formatting', () => {
  it('writes a rate with the counts behind it, thousands separated, and "—" without a sample', () => {
    expect(rateText(rate(1203, 1250))).toBe('96.2%(1,203/1,250)');
    expect(rateText(rate(0, 4))).toBe('0.0%(0/4)');
    expect(rateText(none)).toBe('—');
    expect(count(1234567)).toBe('1,234,567');
    expect(monthText('2026-01')).toBe('2026年1月');
  });

  it('knows the days of a month, leap years included, and refuses a month that is not one', () => {
    expect(monthDays('2026-10')).toMatchObject({ from: '2026-10-01', to: '2026-10-31' });
    expect(monthDays('2028-02').days).toHaveLength(29);
    expect(monthDays('2026-02').to).toBe('2026-02-28');
    expect(() => monthDays('2026-13')).toThrow(/YYYY-MM/);
  });
});

describe('下一步工作建议', () => {
  it('a quiet month gets the one steady-state sentence, never a made-up figure', () => {
    expect(suggestions(quiet)).toEqual(['本月各项指标总体平稳,请各部门保持服务质量,持续做好“好差评”工作。']);
  });

  it('names the department below the district, the unreplied negatives and the overdue warnings', () => {
    const mkt = summarise({ 1: 1, 2: 1, 3: 0, 4: 1, 5: 1 });
    const tax = summarise({ 1: 0, 2: 0, 3: 0, 4: 2, 5: 4 });
    const overall = summarise({ 1: 1, 2: 1, 3: 0, 4: 3, 5: 5 });
    const lines = suggestions({
      ...quiet,
      overall,
      departments: [
        { code: 'D-MKT', name: '市场监管局', summary: mkt, negativeCount: 2, negativeReplyRate: rate(1, 2), rectificationCompletionRate: rate(1, 2) },
        { code: 'D-TAX', name: '税务局', summary: tax, negativeCount: 0, negativeReplyRate: none, rectificationCompletionRate: none },
      ],
      warnings: { ...quiet.warnings, overdue: 1, negativeReplyRate: rate(1, 2) },
    });
    expect(lines[0]).toBe(
      '市场监管局本月好评率为50.0%(2/4),低于全区80.0%(8/10),建议该部门对照差评清单逐条分析原因,制定改进措施。',
    );
    expect(lines[1]).toContain('尚有1条差评未答复');
    expect(lines[2]).toContain('仍有1件预警超过办理时限未办结');
    expect(lines.join('')).not.toContain('税务局');
  });

  it('counts the unanswered 差评 from the reply rate itself, though the 差评率 counts fewer of them', () => {
    // 2 ratings at 不满意 or below, plus 2 基本满意 with a reason that raises a warning: 4 flagged negative, 2 answered.
    const overall = summarise({ 1: 1, 2: 1, 3: 2, 4: 3, 5: 3 });
    const lines = suggestions({ ...quiet, overall, warnings: { ...quiet.warnings, negativeReplyRate: rate(2, 4) } });
    expect(lines.join('')).toContain('尚有2条差评未答复');
  });
});

describe('charts', () => {
  it('escape the labels they draw (the HTML view inlines the SVG) and rasterise to PNG', () => {
    const chart = departmentGoodRateChart('各部门好评率', [{ label: '<script>x</script>局', percent: 50, count: 2 }]);
    expect(chart.svg).not.toMatch(/<script/);
    expect(chart.svg).toContain('&lt;script&gt;x&lt;/script&gt;局');
    expect([...chart.png.slice(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
  });
});
