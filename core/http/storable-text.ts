import { invalidField } from './field-errors.ts';

/** The event store keeps JSON as jsonb, which refuses NUL and unpaired UTF-16 surrogates. */
const unstorable = (text: string): boolean => text.includes('\0') || /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(text);

/** The dotted path of the first string (value or key) the event store could not keep, or null. */
export const unstorableTextAt = (value: unknown, path = ''): string | null => {
  if (typeof value === 'string') return unstorable(value) ? path : null;
  if (typeof value !== 'object' || value === null) return null;
  for (const [key, item] of Object.entries(value)) {
    const at = path ? `${path}.${key}` : key;
    if (unstorable(key)) return path || 'body';
    const found = unstorableTextAt(item, at);
    if (found !== null) return found;
  }
  return null;
};

/**
 * Refuses a parsed JSON body holding text the event store cannot keep (a 422 naming the field), before
 * any of it is stored: otherwise Postgres refuses it halfway through a batch, with a 500.
 */
export const assertStorableText = (json: unknown): void => {
  const at = unstorableTextAt(json);
  if (at !== null) {
    throw invalidField(at || 'body', { 'zh-CN': '文本含有无法保存的字符(NUL 或不成对的代理项)', en: 'text holds a NUL character or an unpaired surrogate' });
  }
};
