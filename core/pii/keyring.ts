import * as v from 'valibot';
import { base64ToBytes, bytesToBase64 } from './encoding.ts';
import { piiError } from './errors.ts';

/**
 * The PII keyring (密钥环): AES-256-GCM keys by key id, one of them active for sealing, older ones kept
 * to open what they sealed, plus a separate HMAC key for blind indexes. It lives outside the database
 * (environment variable or key file), so a database dump alone never reveals personal data.
 *
 * Destroying a key (crypto-shredding, 密钥销毁) removes it from `keys` and lists its id in `destroyed`:
 * every value sealed under it becomes unreadable while the events that carry it stay intact. Rotating
 * to a new key per retention period lets the retention policy purge a whole period by destroying one key.
 */
export interface PiiKeyringConfig {
  readonly active: string;
  /** kid → base64 of 32 random bytes. */
  readonly keys: Readonly<Record<string, string>>;
  /** base64 of 32 random bytes: the blind-index HMAC key, never used for encryption. */
  readonly index: string;
  /** Ids of destroyed keys, so opening reports "destroyed" rather than "unknown". */
  readonly destroyed?: readonly string[];
}

export const PII_KEYS_ENV = 'PINGGAI_PII_KEYS';

const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;

const Key32 = v.pipe(
  v.string(),
  v.check((text) => {
    try {
      return base64ToBytes(text).length === 32;
    } catch {
      return false;
    }
  }, 'must be base64 of exactly 32 bytes'),
);

export const PiiKeyringSchema = v.pipe(
  v.strictObject({
    active: v.pipe(v.string(), v.regex(KEY_ID, 'must be a key id of 1–32 letters, digits, _ or -')),
    keys: v.pipe(
      v.record(v.pipe(v.string(), v.regex(KEY_ID, 'key ids are 1–32 letters, digits, _ or -')), Key32),
      v.check((keys) => Object.keys(keys).length > 0, 'needs at least one key'),
    ),
    index: Key32,
    destroyed: v.optional(v.array(v.pipe(v.string(), v.regex(KEY_ID)))),
  }),
  v.forward(
    v.check((ring) => ring.active in ring.keys, 'the active key id must be one of keys'),
    ['active'],
  ),
  v.forward(
    v.check((ring) => !(ring.destroyed ?? []).some((kid) => kid in ring.keys), 'a destroyed key id cannot still be in keys'),
    ['destroyed'],
  ),
);

/** Validates a keyring; the error names `source` (the variable or file) and the offending field. */
export const parsePiiKeyring = (input: unknown, source: string = PII_KEYS_ENV): PiiKeyringConfig => {
  const result = v.safeParse(PiiKeyringSchema, input);
  if (result.success) return result.output;
  const issues = result.issues.map((issue) => `${v.getDotPath(issue) ?? '(root)'}: ${issue.message}`);
  throw piiError('PII_CONFIG_INVALID', { 'zh-CN': `${source} 不是有效的个人信息密钥环:${issues.join(';')}`, en: `${source} is not a valid PII keyring — ${issues.join('; ')}` }, { source, issues });
};

/**
 * Reads `PINGGAI_PII_KEYS` (JSON `{ "active": "k1", "keys": { "k1": "<base64 32 bytes>" }, "index": "<base64 32 bytes>" }`).
 * Web-standard: takes the environment as a plain record (Deno.env.toObject() or process.env).
 */
export const piiKeyringFromEnv = (env: Readonly<Record<string, string | undefined>>): PiiKeyringConfig => {
  const raw = env[PII_KEYS_ENV];
  if (raw === undefined || raw.trim() === '') throw piiError('PII_CONFIG_INVALID', { 'zh-CN': `未设置 ${PII_KEYS_ENV}`, en: `${PII_KEYS_ENV} is not set` }, { source: PII_KEYS_ENV });
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw piiError('PII_CONFIG_INVALID', { 'zh-CN': `${PII_KEYS_ENV} 不是有效的 JSON`, en: `${PII_KEYS_ENV} is not valid JSON` }, { source: PII_KEYS_ENV });
  }
  return parsePiiKeyring(json, PII_KEYS_ENV);
};

const randomKey = (): string => bytesToBase64(crypto.getRandomValues(new Uint8Array(32)));

/** A fresh keyring with one active key and an index key (first start, tests, `npm start`). */
export const generatePiiKeyring = (kid = 'k1'): PiiKeyringConfig => ({ active: kid, keys: { [kid]: randomKey() }, index: randomKey() });

/** Adds a new key and makes it active; old keys stay to open what they sealed (rotation, 密钥轮换). */
export const rotatePiiKeyring = (ring: PiiKeyringConfig, kid?: string): PiiKeyringConfig => {
  const used = new Set([...Object.keys(ring.keys), ...(ring.destroyed ?? [])]);
  let next = kid;
  if (next === undefined) for (let n = used.size + 1; next === undefined || used.has(next); n++) next = `k${n}`;
  if (used.has(next)) throw piiError('PII_CONFIG_INVALID', { 'zh-CN': `密钥编号 ${next} 已被使用`, en: `key id ${next} is already used` }, { kid: next });
  return parsePiiKeyring({ ...ring, active: next, keys: { ...ring.keys, [next]: randomKey() } }, 'rotated keyring');
};

/** Crypto-shredding: forgets a (non-active) key for good and records that it was destroyed. */
export const destroyPiiKey = (ring: PiiKeyringConfig, kid: string): PiiKeyringConfig => {
  if (kid === ring.active) throw piiError('PII_CONFIG_INVALID', { 'zh-CN': `密钥 ${kid} 正在使用中:请先轮换再销毁`, en: `key ${kid} is active: rotate before destroying it` }, { kid });
  if (!(kid in ring.keys)) throw piiError('PII_KEY_UNKNOWN', { 'zh-CN': `没有可销毁的密钥 ${kid}`, en: `no key ${kid} to destroy` }, { kid });
  const keys = Object.fromEntries(Object.entries(ring.keys).filter(([id]) => id !== kid));
  return { ...ring, keys, destroyed: [...(ring.destroyed ?? []), kid] };
};
