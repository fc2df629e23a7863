import fc from 'fast-check';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { maskIdNumber, maskName, maskPhone } from './mask.ts';
import { ChinaMobileSchema, normalizeChinaMobile } from './phone.ts';

describe('masking (脱敏)', () => {
  it('masks phones as 138****1234', () => {
    expect(maskPhone('13812341234')).toBe('138****1234');
    expect(maskPhone('+86 138 1234 1234')).toBe('138****1234');
    expect(maskPhone('008613812341234')).toBe('138****1234');
    expect(maskPhone('123')).toBe('****');
  });

  it('a masked phone never holds more than 7 of its digits', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^1[3-9]\d{9}$/), (phone) => {
        const masked = maskPhone(phone);
        expect(masked.replace(/\D/g, '')).toHaveLength(7);
        // The hidden digits are not where they were (they may still occur by chance in the kept part, e.g. 130 6096 6096).
        expect(masked.slice(3, 7)).toBe('****');
      }),
    );
  });

  it('masks names keeping the first character', () => {
    expect(maskName('张三丰')).toBe('张**');
    expect(maskName('张三')).toBe('张*');
    expect(maskName('欧阳娜娜')).toBe('欧***');
    expect(maskName('𠮷野家')).toBe('𠮷**'); // a supplementary-plane character counts once
    expect(maskName('李')).toBe('*');
    expect(maskName('')).toBe('');
  });

  it('masks ID numbers keeping 3 + 4', () => {
    expect(maskIdNumber('110101199003074514')).toBe('110***********4514');
  });
});

describe('mainland mobile numbers (ChinaMobileSchema)', () => {
  it.each([
    ['13812341234', '13812341234'],
    [' 138-1234-1234 ', '13812341234'],
    ['+8613812341234', '13812341234'],
    ['+86 138 1234 1234', '13812341234'],
    ['008619912341234', '19912341234'],
  ])('normalises %s', (input, output) => {
    expect(normalizeChinaMobile(input)).toBe(output);
  });

  it.each(['12812341234', '1381234123', '138123412345', '+1 415 555 0100', 'abc', '', '+8612812341234'])('refuses %s', (input) => {
    expect(v.safeParse(ChinaMobileSchema, input).success).toBe(false);
    expect(() => normalizeChinaMobile(input)).toThrow(expect.objectContaining({ code: 'PII_PHONE_INVALID', status: 422 }));
  });

  it('refuses non-strings', () => {
    expect(() => normalizeChinaMobile(13812341234)).toThrow(expect.objectContaining({ code: 'PII_PHONE_INVALID' }));
  });
});
