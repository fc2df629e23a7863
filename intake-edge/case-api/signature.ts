import type { MiddlewareHandler } from 'hono';
import { sql } from 'kysely';
import { invalidField } from '../../core/http/field-errors.ts';
import { bytesToBase64, hmac, sameText, sha256Hex, sha256HexOfBody } from '../../core/pii/encoding.ts';
import { DomainError } from '../../core/shared/errors.ts';
import type { IntakeDeps } from '../deps.ts';

export const signatureHeaders = {
  keyId: 'x-pinggai-key-id',
  timestamp: 'x-pinggai-timestamp',
  nonce: 'x-pinggai-nonce',
  signature: 'x-pinggai-signature',
} as const;

/** The largest body a case system may send in one request (a batch of a few hundred events). */
export const maxCaseApiBodyBytes = 1024 * 1024;

/**
 * The string a case system signs: method, path (with query), timestamp, nonce and the body's
 * SHA-256, one per line. Signature = base64(HMAC-SHA-256(secret, stringToSign)).
 *
 * @example
 *   POST\n/api/v1/case-events\n1760000000\n3f9c…\ne3b0c442…
 */
export const stringToSign = (method: string, pathWithQuery: string, timestamp: string, nonce: string, bodySha256Hex: string): string =>
  `${method.toUpperCase()}\n${pathWithQuery}\n${timestamp}\n${nonce}\n${bodySha256Hex}`;

/** Signs a request the way a case system must (used by tests, the demo feeder and integrators' examples). */
export const signCaseRequest = async (options: {
  method: string;
  pathWithQuery: string;
  body: Uint8Array<ArrayBuffer> | string;
  keyId: string;
  secret: string;
  timestamp: number;
  nonce: string;
}): Promise<Record<string, string>> => {
  const timestamp = String(options.timestamp);
  const toSign = stringToSign(options.method, options.pathWithQuery, timestamp, options.nonce, sha256Hex(options.body));
  return {
    [signatureHeaders.keyId]: options.keyId,
    [signatureHeaders.timestamp]: timestamp,
    [signatureHeaders.nonce]: options.nonce,
    [signatureHeaders.signature]: bytesToBase64(hmac('SHA-256', options.secret, toSign)),
  };
};

const unauthorized = (code: string, header: string, zh: string, en: string): DomainError =>
  new DomainError(code, zh, { status: 401, details: { en, field: `headers.${header}` } });


export interface VerifiedCaseSystem {
  readonly system: string;
  readonly keyId: string;
  readonly body: Uint8Array<ArrayBuffer>;
}

/**
 * Authenticates a case-system request: known key id, timestamp within ±skew, valid HMAC, and a
 * nonce never seen before for that key (recorded only after the signature verified, so forged
 * requests cannot fill the nonce table). Sets `caseSystem` on the context.
 */
export const verifyCaseSystemSignature = (deps: Pick<IntakeDeps, 'config' | 'clock' | 'db'>): MiddlewareHandler<{ Variables: { caseSystem: VerifiedCaseSystem } }> =>
  async function caseSystemSignature(c, next) {
    const header = (name: string) => c.req.header(name)?.trim() ?? '';
    const keyId = header(signatureHeaders.keyId);
    const timestamp = header(signatureHeaders.timestamp);
    const nonce = header(signatureHeaders.nonce);
    const signature = header(signatureHeaders.signature);

    const owner = deps.config.caseSystems.find((system) => Object.hasOwn(system.keys, keyId));
    if (!keyId || !owner) throw unauthorized('CASE_API_UNKNOWN_KEY', signatureHeaders.keyId, '未知的密钥标识', 'Unknown key id.');
    if (!/^\d{9,11}$/.test(timestamp)) throw unauthorized('CASE_API_BAD_TIMESTAMP', signatureHeaders.timestamp, '时间戳应为 Unix 秒', 'The timestamp must be Unix seconds.');
    const skew = Math.abs(deps.clock.now().getTime() / 1000 - Number(timestamp));
    if (skew > deps.config.clockSkewSeconds)
      throw unauthorized('CASE_API_CLOCK_SKEW', signatureHeaders.timestamp, '请求时间与服务器时间相差过大', `The timestamp is more than ${deps.config.clockSkewSeconds} s away from server time.`);
    if (!/^[A-Za-z0-9_-]{16,64}$/.test(nonce)) throw unauthorized('CASE_API_BAD_NONCE', signatureHeaders.nonce, '随机串应为 16–64 位字母数字', 'The nonce must be 16–64 characters [A-Za-z0-9_-].');

    const declared = Number(c.req.header('content-length') ?? '0');
    if (declared > maxCaseApiBodyBytes) throw invalidField('body', { 'zh-CN': '请求体过大', en: 'The body is too large.' }, 400);
    const body = new Uint8Array(await c.req.arrayBuffer());
    if (body.byteLength > maxCaseApiBodyBytes) throw invalidField('body', { 'zh-CN': '请求体过大', en: 'The body is too large.' }, 400);

    const url = new URL(c.req.url);
    const expected = bytesToBase64(hmac('SHA-256', owner.keys[keyId]!, stringToSign(c.req.method, url.pathname + url.search, timestamp, nonce, await sha256HexOfBody(body))));
    if (!sameText(expected, signature)) throw unauthorized('CASE_API_BAD_SIGNATURE', signatureHeaders.signature, '签名校验失败', 'The signature does not match.');

    const inserted = await deps.db
      .insertInto('app.intake_nonces')
      .values({ key_id: keyId, nonce, seen_at: deps.clock.now() })
      .onConflict((conflict) => conflict.doNothing())
      .returning(sql<number>`1`.as('one'))
      .executeTakeFirst();
    if (!inserted) throw unauthorized('CASE_API_REPLAYED', signatureHeaders.nonce, '重复的请求(随机串已使用)', 'Replayed request: this nonce was already used.');

    c.set('caseSystem', { system: owner.system, keyId, body });
    await next();
    // A request the server failed (5xx) may have recorded part of a batch, but every event is
    // idempotent by case and sequence: its nonce is released, so that the case system can send the
    // very same signed request again while its timestamp is fresh, instead of being told "replayed".
    if (c.res.status >= 500) {
      await deps.db
        .deleteFrom('app.intake_nonces')
        .where('key_id', '=', keyId)
        .where('nonce', '=', nonce)
        .execute()
        .catch(() => undefined); // the store may be what failed; the nonce then ages out with the rest
    }
  };

/** Nonces older than twice the skew can never be replayed (their timestamps are refused). */
export const forgetOldNonces = async (deps: Pick<IntakeDeps, 'config' | 'clock' | 'db'>): Promise<number> => {
  const before = new Date(deps.clock.now().getTime() - 2 * deps.config.clockSkewSeconds * 1000);
  const result = await deps.db.deleteFrom('app.intake_nonces').where('seen_at', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
};
