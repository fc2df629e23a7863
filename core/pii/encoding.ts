/**
 * Byte/text encodings over Web-standard APIs (btoa/atob, TextEncoder) and @noble/hashes (plain
 * JavaScript), so intake-edge runs the same on Node and Deno. Shared by the PII vault, the SMS
 * signers and the blob store.
 *
 * SHA-256 and HMAC of short texts (event ids, link tokens, request signatures) are computed with
 * @noble/hashes, synchronously: WebCrypto hands every call to a thread pool, which costs about 80 µs
 * on Node against 4–13 µs here, and a rating submission hashes more than once. Large bodies (blobs)
 * still go to WebCrypto.
 */
import { hmac as nobleHmac } from '@noble/hashes/hmac.js';
import { sha1 } from '@noble/hashes/legacy.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';

const encoder = new TextEncoder();

export const utf8 = (text: string): Uint8Array<ArrayBuffer> => encoder.encode(text) as Uint8Array<ArrayBuffer>;

export const bytesToBase64 = (bytes: Uint8Array): string => {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
};

/** Standard base64 (with padding); throws a TypeError on anything else. */
export const base64ToBytes = (text: string): Uint8Array<ArrayBuffer> => {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) throw new TypeError('not base64');
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
};

export const bytesToBase64Url = (bytes: Uint8Array): string =>
  bytesToBase64(bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

/** base64url without padding (RFC 4648 §5); throws a TypeError on anything else. */
export const base64UrlToBytes = (text: string): Uint8Array<ArrayBuffer> => {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) throw new TypeError('not base64url');
  const padded = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4);
  return base64ToBytes(padded);
};

export { bytesToHex };

export const hexToBytes = (hex: string): Uint8Array<ArrayBuffer> => {
  if (!/^(?:[0-9a-f]{2})*$/i.test(hex)) throw new TypeError('not hex');
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return bytes;
};

const bytesOf = (data: Uint8Array | string): Uint8Array => (typeof data === 'string' ? utf8(data) : data);

export const sha256Bytes = (data: Uint8Array | string): Uint8Array => sha256(bytesOf(data));

export const sha256Hex = (data: Uint8Array | string): string => bytesToHex(sha256Bytes(data));

/** SHA-256 of a large body (an upload, a request of up to a MiB) through WebCrypto, off the event loop. */
export const sha256HexOfBody = async (bytes: Uint8Array): Promise<string> =>
  bytesToHex(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>)));

export const hmac = (hash: 'SHA-1' | 'SHA-256', key: Uint8Array | string, message: Uint8Array | string): Uint8Array =>
  nobleHmac(hash === 'SHA-1' ? sha1 : sha256, bytesOf(key), bytesOf(message));

/** HMAC-SHA-256 under one key, its keyed state computed once: for a key that signs every request. */
export const hmacSha256With = (key: Uint8Array | string): ((message: Uint8Array | string) => Uint8Array) => {
  const keyed = nobleHmac.create(sha256, bytesOf(key));
  return (message) => keyed.clone().update(bytesOf(message)).digest();
};

/**
 * Whether two texts (MACs, signatures, tokens) are equal, in time that does not depend on where they
 * first differ: a comparison that stops early tells an attacker how much of a forgery was right.
 */
export const sameText = (a: string, b: string): boolean => {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
};
