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

// A mainland mobile (optionally +86 / 0086, groups separated by a space, dash, dot or middle dot) and
// an 18-character resident ID number (grouped 6-8-4 or 6-4-4-4 too), as people type them into free
// text. Matched on a copy whose full-width digits (an input method in 全角 mode) are folded to ASCII:
// the fold keeps every character's position, so the matches mask the text as it was typed.
const SEP = '[\\s\\-.·－]';
const MOBILE = new RegExp(`(?<!\\d)(?:\\+?86${SEP}?|0086${SEP}?)?1[3-9]\\d(?:${SEP}?\\d{4}){2}(?!\\d)`, 'g');
const ID_NUMBER = new RegExp(`(?<![\\dXx])\\d{6}${SEP}?\\d{4}${SEP}?\\d{4}${SEP}?\\d{3}[\\dXx](?![\\dXx])`, 'g');
const FULL_WIDTH = /[０-９＋Ｘｘ]/g;
const foldWidth = (text: string): string => text.replace(FULL_WIDTH, (char) => String.fromCharCode(char.charCodeAt(0) - 0xfee0));

/** Replaces every match of `pattern` in `folded` (same length as `text`) by `mask` of it, in `text`. */
const maskMatches = (text: string, folded: string, pattern: RegExp, mask: (match: string) => string): { text: string; folded: string } => {
  let out = '';
  let outFolded = '';
  let last = 0;
  for (const match of folded.matchAll(pattern)) {
    const masked = mask(match[0]);
    out += text.slice(last, match.index) + masked;
    outFolded += folded.slice(last, match.index) + masked;
    last = match.index + match[0].length;
  }
  return { text: out + text.slice(last), folded: outFolded + folded.slice(last) };
};

/**
 * Free text (a citizen's comment, a staff member's reply or notes) sometimes holds a phone or ID
 * number: it is masked (脱敏) before the text becomes part of an event, and read models and exports
 * mask what they show as well, so it is never kept or shown in plain text. Names cannot be told from
 * other words reliably and are left as written.
 */
export const maskFreeText = (text: string): string => {
  const ids = maskMatches(text, foldWidth(text), ID_NUMBER, (id) => maskIdNumber(id.replace(/[^\dXx]/g, '')));
  return maskMatches(ids.text, ids.folded, MOBILE, (phone) => maskPhone(phone)).text;
};

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
