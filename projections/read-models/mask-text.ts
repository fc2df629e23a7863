import { maskIdNumber, maskPhone } from '../../core/pii/mask.ts';

// A mainland mobile (optionally +86 / 0086, spaces or dashes between groups) and an 18-character
// resident ID number, as people type them into a comment.
const MOBILE = /(?<!\d)(?:\+?86[\s-]?|0086[\s-]?)?1[3-9]\d(?:[\s-]?\d{4}){2}(?!\d)/g;
const ID_NUMBER = /(?<![\dXx])\d{17}[\dXx](?![\dXx])/g;

/**
 * Citizens' comments are free text and sometimes hold a phone or ID number: read models keep the
 * comment (drill-downs show it) with those masked (脱敏), never in plain text.
 */
export const maskFreeText = (text: string): string =>
  text.replace(ID_NUMBER, (id) => maskIdNumber(id)).replace(MOBILE, (phone) => maskPhone(phone));
