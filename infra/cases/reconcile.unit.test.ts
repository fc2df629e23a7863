import { describe, expect, it } from 'vitest';
import type { CaseDayReconciliation } from './reconcile.ts';
import { formatCaseDay } from './reconcile.ts';

const day = (counts: Partial<CaseDayReconciliation>): CaseDayReconciliation => ({
  day: '2025-10-31',
  completed: 0,
  invited: 0,
  rated: 0,
  invitationsIssued: 0,
  ratingsSubmitted: 0,
  notInvited: [],
  ...counts,
});

describe('the printed case reconciliation', () => {
  it('a day without completed cases is not an all-clear: it says so, and that the projectors may be behind', () => {
    const text = formatCaseDay(day({}));
    expect(text).not.toMatch(/每件办结均已邀评|every completed case was invited/);
    expect(text).toContain('当日没有办结的办件');
    expect(text).toMatch(/no case was completed that day.*projectors may not have caught up/);
  });

  it('names the cases not invited, or says every one was', () => {
    expect(formatCaseDay(day({ completed: 3, invited: 1, notInvited: ['BF-1', 'BF-2'] }))).toContain('未邀评 not invited (2): BF-1, BF-2');
    expect(formatCaseDay(day({ completed: 2, invited: 2 }))).toContain('每件办结均已邀评 every completed case was invited');
  });
});
