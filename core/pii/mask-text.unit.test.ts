import { describe, expect, it } from 'vitest';
import { maskFreeText, maskFreeTextFields } from './mask.ts';

describe('maskFreeText', () => {
  it('masks mobiles and ID numbers inside a comment and leaves the rest', () => {
    expect(maskFreeText('请回电 13812341234,谢谢')).toBe('请回电 138****1234,谢谢');
    expect(maskFreeText('电话 +86 138-1234-1234')).toBe('电话 138****1234');
    expect(maskFreeText('身份证110101199003074514办不了')).toBe('身份证110***********4514办不了');
    expect(maskFreeText('等了 45 分钟, 窗口 12 号')).toBe('等了 45 分钟, 窗口 12 号');
  });

  it('masks numbers typed in full-width digits or grouped with dots, middle dots and spaces; the rest stays as typed', () => {
    expect(maskFreeText('电话１３８１２３４５６７８，谢谢')).toBe('电话138****5678，谢谢');
    expect(maskFreeText('打138.1234.5678或138·1234·5678')).toBe('打138****5678或138****5678');
    expect(maskFreeText('身份证 420102 19900307 4514 办不了')).toBe('身份证 420***********4514 办不了');
    expect(maskFreeText('证号４２０１０２１９９００３０７４５１Ｘ，１号窗口')).toBe('证号420***********451X，１号窗口');
    expect(maskFreeText('＋８６ １３８－１２３４－５６７８')).toBe('138****5678');
    // Nothing else is touched: the length of a number that is not a phone or ID, full-width text.
    expect(maskFreeText('排队２小时，１２３４５号')).toBe('排队２小时，１２３４５号');
    expect(maskFreeText(maskFreeText('电话１３８１２３４５６７８'))).toBe('电话138****5678');
  });
});

describe('maskFreeTextFields', () => {
  it('masks the free text under its keys at any depth and leaves every other value as it was', () => {
    const data = {
      note: '电话 13812341234',
      evidence: [{ description: '身份证 110101199003074514', sha256: '1'.repeat(18) + 'a'.repeat(46) }],
      by: '13812341234',
      round: 2,
      reasons: ['13812341234'],
    };
    expect(maskFreeTextFields(data)).toEqual({
      note: '电话 138****1234',
      evidence: [{ description: '身份证 110***********4514', sha256: '1'.repeat(18) + 'a'.repeat(46) }],
      by: '13812341234',
      round: 2,
      reasons: ['13812341234'],
    });
    expect(data.note).toBe('电话 13812341234');
  });
});
