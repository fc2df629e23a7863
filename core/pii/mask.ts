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
