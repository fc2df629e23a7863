import * as v from 'valibot';
import { base64ToBytes, base64UrlToBytes, bytesToBase64Url, utf8 } from './encoding.ts';
import { piiError } from './errors.ts';
import type { PiiKeyringConfig } from './keyring.ts';

/**
 * What a sealed value holds: the evaluator's phone (手机号), name (姓名) or ID number (证件号), or a
 * staff account's TOTP secret (两步验证密钥: a credential, sealed like personal data, never plain).
 */
export type PiiKind = 'phone' | 'name' | 'id_number' | 'totp_secret';

const kindNames: Record<PiiKind, string> = { phone: '手机号', name: '姓名', id_number: '证件号码', totp_secret: '动态口令密钥' };
export const PII_KINDS: readonly PiiKind[] = ['phone', 'name', 'id_number', 'totp_secret'];

/**
 * A sealed personal datum as it is stored in events and read models: AES-256-GCM under key `kid`,
 * 96-bit random IV, the kind as associated data (so a sealed name cannot be passed off as a phone).
 * JSON-able, base64url, ~70 characters for a phone number.
 */
export interface SealedPii {
  readonly v: 1;
  readonly kid: string;
  readonly iv: string;
  readonly ct: string;
}

/** Validates a sealed value read back from storage or received from outside. */
export const SealedPiiSchema = v.strictObject({
  v: v.literal(1),
  kid: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,32}$/)),
  iv: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{16}$/, 'iv must be 12 bytes of base64url')),
  ct: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{22,}$/, 'ct must be base64url with a 16-byte tag')),
});

export interface PiiVault {
  /** The key id new values are sealed under. */
  readonly activeKid: string;
  seal(value: string, kind: PiiKind): Promise<SealedPii>;
  /**
   * Reveals a sealed value. Call it only from a reveal path that logs who and why (console), or from
   * the SMS sender; never to put the plain value into an event, read model or log. The kind must be
   * the one it was sealed as. Throws PII_KEY_DESTROYED after crypto-shredding.
   */
  open(sealed: SealedPii, kind: PiiKind): Promise<string>;
  /**
   * A keyed HMAC-SHA-256 of the value (base64url, 43 chars) for "same phone" lookups and rate limits
   * without plain text. Stable across encryption-key rotation. Normalise the value first
   * (normalizeChinaMobile for phones) so that equal people get equal indexes.
   */
  blindIndex(value: string, kind: PiiKind): Promise<string>;
  /** True when the value is sealed under a key other than the active one. */
  needsReseal(sealed: SealedPii): boolean;
  /** Re-encrypts under the active key (rotation); returns the same object when already current. */
  reseal(sealed: SealedPii, kind: PiiKind): Promise<SealedPii>;
}

const IV_BYTES = 12;

/**
 * @example
 *   const vault = createPiiVault({ keyring: piiKeyringFromEnv(process.env) });
 *   const phone = await vault.seal('13812341234', 'phone'); // { v: 1, kid: 'k1', iv: '…', ct: '…' }
 *   const phoneIndex = await vault.blindIndex('13812341234', 'phone');
 */
export const createPiiVault = ({ keyring }: { keyring: PiiKeyringConfig }): PiiVault => {
  const aesKeys = new Map<string, Promise<CryptoKey>>();
  const destroyed = new Set(keyring.destroyed ?? []);

  const aesKey = (kid: string): Promise<CryptoKey> => {
    const raw = keyring.keys[kid];
    if (raw === undefined) {
      throw destroyed.has(kid)
        ? piiError('PII_KEY_DESTROYED', { 'zh-CN': `密钥 ${kid} 已销毁:该个人信息已被清除`, en: `the key ${kid} was destroyed: this personal datum is erased` }, { kid })
        : piiError('PII_KEY_UNKNOWN', { 'zh-CN': `个人信息密钥环中没有密钥 ${kid}`, en: `no key ${kid} in the PII keyring` }, { kid });
    }
    let key = aesKeys.get(kid);
    if (!key) {
      key = crypto.subtle.importKey('raw', base64ToBytes(raw), { name: 'AES-GCM' }, false, ['encrypt', 'decrypt']);
      aesKeys.set(kid, key);
    }
    return key;
  };
  let indexKey: Promise<CryptoKey> | undefined;

  const seal = async (value: string, kind: PiiKind): Promise<SealedPii> => {
    const kid = keyring.active;
    const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
    const ct = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: utf8(kind) }, await aesKey(kid), utf8(value));
    return { v: 1, kid, iv: bytesToBase64Url(iv), ct: bytesToBase64Url(new Uint8Array(ct)) };
  };

  const open = async (sealed: SealedPii, kind: PiiKind): Promise<string> => {
    const parsed = v.safeParse(SealedPiiSchema, sealed);
    if (!parsed.success) throw piiError('PII_SEALED_INVALID', { 'zh-CN': '不是加密保存的个人信息', en: 'not a sealed personal datum' }, { issues: parsed.issues.map((i) => i.message) });
    const key = await aesKey(parsed.output.kid);
    try {
      const plain = await crypto.subtle.decrypt(
        { name: 'AES-GCM', iv: base64UrlToBytes(parsed.output.iv), additionalData: utf8(kind) },
        key,
        base64UrlToBytes(parsed.output.ct),
      );
      return new TextDecoder().decode(plain);
    } catch {
      throw piiError('PII_SEALED_INVALID', { 'zh-CN': `加密的${kindNames[kind]}无法解开:已被篡改,或按其他类别加密`, en: `the sealed ${kind} does not open: tampered with, or sealed as another kind` }, { kid: parsed.output.kid, kind });
    }
  };

  const blindIndex = async (value: string, kind: PiiKind): Promise<string> => {
    // The kind is part of the message so a name and a phone with the same text never collide.
    const mac = await crypto.subtle.sign('HMAC', await (indexKey ??= crypto.subtle.importKey('raw', base64ToBytes(keyring.index), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])), utf8(`${kind}\u0000${value}`));
    return bytesToBase64Url(new Uint8Array(mac));
  };

  const needsReseal = (sealed: SealedPii): boolean => sealed.kid !== keyring.active;

  const reseal = async (sealed: SealedPii, kind: PiiKind): Promise<SealedPii> =>
    needsReseal(sealed) ? seal(await open(sealed, kind), kind) : sealed;

  return { activeKid: keyring.active, seal, open, blindIndex, needsReseal, reseal };
};
