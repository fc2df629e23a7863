import { describe, expect, it } from 'vitest';
import { checkSmsSegment, fitsOneSmsSegment, withSignName } from './segment.ts';

describe('one SMS segment (单条短信 70 字)', () => {
  it('Chinese text is UCS-2 with a 70-character limit, sign name included', () => {
    const body = '您的事项已办结，请评价：https://pg.cn/e/Ab3dE5gH7jK9mN1pQr2s'; // 12 + 36 = 48
    expect(checkSmsSegment(body, '评改通')).toEqual({ encoding: 'ucs2', length: 53, limit: 70, fits: true });
    expect(withSignName(body, '评改通')).toBe(`【评改通】${body}`);
    expect(fitsOneSmsSegment('评'.repeat(65), '评改通')).toBe(true);
    expect(fitsOneSmsSegment('评'.repeat(66), '评改通')).toBe(false);
  });

  it('counts exactly at the boundary', () => {
    expect(checkSmsSegment(`【评改通】${'评'.repeat(65)}`).fits).toBe(true);
    expect(checkSmsSegment(`【评改通】${'评'.repeat(66)}`).fits).toBe(false);
    // A text that already carries its 【sign】 is not signed twice.
    expect(checkSmsSegment(`【评改通】${'评'.repeat(65)}`, '评改通').length).toBe(70);
  });

  it('plain GSM text has 160 septets; extension characters count twice; an emoji forces UCS-2 and takes two units', () => {
    expect(checkSmsSegment('a'.repeat(160))).toEqual({ encoding: 'gsm7', length: 160, limit: 160, fits: true });
    expect(checkSmsSegment(`${'a'.repeat(159)}€`).fits).toBe(false);
    expect(checkSmsSegment('ok 👍')).toEqual({ encoding: 'ucs2', length: 5, limit: 70, fits: true });
  });
});
