import type { Context } from 'hono';
import * as v from 'valibot';
import { fieldIssuesFromValibot, invalidField, ValidationFailed } from '../../core/http/field-errors.ts';

/**
 * Reads and validates a JSON body: unreadable → 400, schema broken → 422 naming every field.
 * Done in the handler (not as a validator middleware) so that authorization runs first and the
 * handler keeps the schema's precise output type.
 */
export const readBody = async <S extends v.GenericSchema>(c: Context, schema: S): Promise<v.InferOutput<S>> => {
  if (!(c.req.header('content-type') ?? '').toLowerCase().startsWith('application/json')) {
    throw invalidField('content-type', { 'zh-CN': '请以 application/json 提交', en: 'send application/json' }, 400);
  }
  let json: unknown;
  try {
    json = await c.req.json();
  } catch {
    throw invalidField('body', { 'zh-CN': '不是有效的 JSON', en: 'not valid JSON' }, 400);
  }
  const badText = unstorableTextAt(json, '');
  if (badText !== null) {
    throw invalidField(badText || 'body', { 'zh-CN': '文本含有无法保存的字符(NUL 或不成对的代理项)', en: 'text holds a NUL character or an unpaired surrogate' });
  }
  const result = v.safeParse(schema, json);
  if (!result.success) throw new ValidationFailed(fieldIssuesFromValibot(result.issues));
  return result.output;
};

/** The event store keeps JSON as jsonb, which refuses NUL and unpaired UTF-16 surrogates. */
const unstorable = (text: string): boolean => text.includes('\0') || /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(text);

/** The dotted path of the first string (value or key) the event store could not keep, or null. */
const unstorableTextAt = (value: unknown, path: string): string | null => {
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

const IDEMPOTENCY_KEY = /^[A-Za-z0-9_.:-]{8,128}$/;

/**
 * The `Idempotency-Key` header, required on every warning action: the same key (per account) is the
 * same command, so a retried request never acts twice.
 */
export const idempotencyKey = (c: Context): string => {
  const key = c.req.header('idempotency-key');
  if (key === undefined || !IDEMPOTENCY_KEY.test(key)) {
    throw invalidField(
      'header.idempotency-key',
      { 'zh-CN': '缺少或无效的 Idempotency-Key 请求头(8–128 位字母数字)', en: 'Idempotency-Key header required: 8–128 characters of [A-Za-z0-9_.:-]' },
      400,
    );
  }
  return key;
};
