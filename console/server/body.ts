import type { Context } from 'hono';
import * as v from 'valibot';
import { fieldIssuesFromValibot, invalidField, ValidationFailed } from '../../core/http/field-errors.ts';
import { assertStorableText } from '../../core/http/storable-text.ts';
import type { CommandRef } from '../../core/decider/command-handler.ts';
import { sha256Hex } from '../../core/pii/encoding.ts';

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
  assertStorableText(json);
  const result = v.safeParse(schema, json);
  if (!result.success) throw new ValidationFailed(fieldIssuesFromValibot(result.issues));
  return result.output;
};

const IDEMPOTENCY_KEY = /^[A-Za-z0-9_.:-]{8,128}$/;

/**
 * The `Idempotency-Key` header, required on every staff change: the same key (per account) is the
 * same command, so a retried request never acts twice (see `staffCommand` for a key reused on
 * another request).
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

/**
 * A staff change's command identity: the Idempotency-Key scoped by account (two officers choosing the
 * same key never collide), with a fingerprint of the request (method, path, validated body), so that
 * the key sent again on the same warning, account or period with a different request is refused (422)
 * rather than answered with the first (core/decider/command-handler.ts looks for it there).
 */
export const staffCommand = (c: Context, accountId: string, key: string, body: unknown = null, scope = 'staff'): CommandRef => ({
  commandId: `${scope}:${accountId}:${key}`,
  requestFingerprint: sha256Hex(`${c.req.method} ${c.req.path}\n${JSON.stringify(body)}`),
});
