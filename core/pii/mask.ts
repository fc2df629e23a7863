/**
 * Masking (脱敏) for display: what staff see by default wherever a phone or name appears.
 * Masked values are safe for read models, logs and exports; revealing needs the vault and a reason.
 */

/** '13812341234' or '+86 138 1234 1234' → '138****1234'; other lengths keep only the last 4 digits. */
export const maskPhone = (phone: string): string => {
  let digits = phone.replace(/\D/g, '');
  if (digits.length === 13 && digits.startsWith('86')) digits = digits.slice(2);
  if (digits.length === 15 && digits.startsWith('0086')) digits = digits.slice(4);
  if (digits.length === 11) return `${digits.slice(0, 3)}****${digits.slice(7)}`;
  if (digits.length <= 4) return '****';
  return `${'*'.repeat(digits.length - 4)}${digits.slice(-4)}`;
};

/** '张三丰' → '张**', '欧阳娜娜' → '欧***'; a one-character name is fully masked. Counts code points, not UTF-16 units. */
export const maskName = (name: string): string => {
  const chars = Array.from(name.trim());
  if (chars.length === 0) return '';
  if (chars.length === 1) return '*';
  return `${chars[0]}${'*'.repeat(chars.length - 1)}`;
};

/** '110101199003074514' → '110***********4514' (first 3 and last 4 kept). */
export const maskIdNumber = (id: string): string => {
  const chars = Array.from(id.trim());
  if (chars.length <= 7) return '*'.repeat(chars.length);
  return `${chars.slice(0, 3).join('')}${'*'.repeat(chars.length - 7)}${chars.slice(-4).join('')}`;
};

// A mainland mobile (optionally +86 / 0086, spaces or dashes between groups) and an 18-character
// resident ID number, as people type them into free text.
const MOBILE = /(?<!\d)(?:\+?86[\s-]?|0086[\s-]?)?1[3-9]\d(?:[\s-]?\d{4}){2}(?!\d)/g;
const ID_NUMBER = /(?<![\dXx])\d{17}[\dXx](?![\dXx])/g;

/**
 * Free text (a citizen's comment, a staff member's reply or notes) sometimes holds a phone or ID
 * number: it is masked (脱敏) before the text becomes part of an event, and read models and exports
 * mask what they show as well, so it is never kept or shown in plain text.
 */
export const maskFreeText = (text: string): string =>
  text.replace(ID_NUMBER, (id) => maskIdNumber(id)).replace(MOBILE, (phone) => maskPhone(phone));

const FREE_TEXT_KEYS = new Set(['text', 'note', 'notes', 'reason', 'description', 'comment']);

/**
 * A copy of an event's data (or a state folded from events) with the free text under the keys that
 * hold it (text, note, notes, reason, description, comment) masked, at any depth: for answers that
 * show recorded events as they are, which may predate the masking of free text at the edge.
 */
export const maskFreeTextFields = <T>(value: T): T => {
  const walk = (node: unknown, key: string | null): unknown => {
    if (typeof node === 'string') return key !== null && FREE_TEXT_KEYS.has(key) ? maskFreeText(node) : node;
    if (Array.isArray(node)) return node.map((item) => walk(item, key));
    if (node !== null && typeof node === 'object') return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v, k)]));
    return node;
  };
  return walk(value, null) as T;
};
