import * as v from 'valibot';
import { piiError } from './errors.ts';

/**
 * Mainland China mobile numbers (中国大陆手机号): 11 digits, 1 then 3–9. Accepts spaces, dashes and a
 * +86 / 0086 / 86 country prefix, and outputs the bare 11 digits, so the vault's blind index sees one
 * form per person.
 *
 * @example
 *   v.parse(ChinaMobileSchema, '+86 138-1234-1234'); // '13812341234'
 */
export const ChinaMobileSchema = v.pipe(
  v.string('手机号必须是字符串'),
  v.trim(),
  v.transform((text) => {
    const compact = text.replace(/[\s\-()]/g, '');
    const international = /^(?:\+86|0086|86)(1\d{10})$/.exec(compact);
    return international?.[1] ?? compact;
  }),
  v.regex(/^1[3-9]\d{9}$/, '请输入有效的中国大陆手机号 (11 位, 以 13–19 开头)'),
);

/** Returns the normalised 11-digit number or throws PII_PHONE_INVALID (422). */
export const normalizeChinaMobile = (input: unknown): string => {
  const result = v.safeParse(ChinaMobileSchema, input);
  if (result.success) return result.output;
  throw piiError(
    'PII_PHONE_INVALID',
    { 'zh-CN': '请输入有效的中国大陆手机号(11 位,以 13–19 开头)', en: 'a mainland China mobile number: 11 digits starting with 13–19' },
    { field: 'phone' },
  );
};
