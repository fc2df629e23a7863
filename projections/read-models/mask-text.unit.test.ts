import { describe, expect, it } from 'vitest';
import { maskFreeText } from './mask-text.ts';

describe('maskFreeText', () => {
  it('masks mobiles and ID numbers inside a comment and leaves the rest', () => {
    expect(maskFreeText('请回电 13812341234,谢谢')).toBe('请回电 138****1234,谢谢');
    expect(maskFreeText('电话 +86 138-1234-1234')).toBe('电话 138****1234');
    expect(maskFreeText('身份证110101199003074514办不了')).toBe('身份证110***********4514办不了');
    expect(maskFreeText('等了 45 分钟, 窗口 12 号')).toBe('等了 45 分钟, 窗口 12 号');
  });
});
