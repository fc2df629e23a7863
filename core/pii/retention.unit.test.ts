import { describe, expect, it } from 'vitest';
import { generatePiiKeyring, rotatePiiKeyring } from './keyring.ts';
import { periodKeyId, retentionPlan } from './retention.ts';

const ringWith = (...kids: string[]) => kids.reduce((ring, kid) => rotatePiiKeyring(ring, kid), generatePiiKeyring('k1'));

describe('retention by crypto-shredding one key per month', () => {
  it('names the month in Asia/Shanghai: 31 Dec 2025 17:00 UTC is already January 2026 there', () => {
    expect(periodKeyId(new Date('2025-12-31T15:59:59Z'))).toBe('p202512');
    expect(periodKeyId(new Date('2025-12-31T16:00:00Z'))).toBe('p202601');
  });

  it('a month falls due the retention period after its end, to the Shanghai midnight', () => {
    const ring = ringWith('p202401', 'p202402', 'p202611');
    // 24 months after the end of January 2024 is 1 February 2026 00:00 in Shanghai (31 Jan 16:00 UTC).
    const before = retentionPlan(ring, { now: new Date('2026-01-31T15:59:59Z'), retentionMonths: 24 });
    expect(before.due).toEqual([]);
    const after = retentionPlan(ring, { now: new Date('2026-01-31T16:00:00Z'), retentionMonths: 24 });
    expect(after.due.map((d) => d.kid)).toEqual(['p202401']);
    expect(after.kept.map((k) => k.kid)).toEqual(['p202402']);
    expect(after.kept[0]!.dueOn.toISOString()).toBe('2026-02-28T16:00:00.000Z');
  });

  it('never offers the active key or a key that is not a period key', () => {
    const ring = ringWith('p201901');
    const plan = retentionPlan(ring, { now: new Date('2030-01-01T00:00:00Z'), retentionMonths: 12 });
    expect(plan.due).toEqual([]);
    expect(plan.outsidePolicy).toEqual(['k1', 'p201901']);
  });

  it('refuses a retention that is not a whole positive number of months', () => {
    expect(() => retentionPlan(generatePiiKeyring(), { now: new Date(), retentionMonths: 0 })).toThrow(RangeError);
    expect(() => retentionPlan(generatePiiKeyring(), { now: new Date(), retentionMonths: 1.5 })).toThrow(RangeError);
  });
});
