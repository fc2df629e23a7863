import { bytesToBase64Url, hmacSha256With, sameText, sha256Bytes, sha256Hex } from '../pii/encoding.ts';

/**
 * Link tokens: `<kid:1><invitationId:10><mac:12>` = 23 characters of base62/base64url, short enough
 * for a one-segment SMS. The mac is HMAC-SHA-256 of kid+id under the server key `kid`,
 * truncated to 72 bits: unforgeable without the key, checked without a database round trip; the key
 * id allows rotation (old keys keep verifying until their links have expired).
 */
export interface LinkTokenKeys {
  /** The key new tokens are signed with: one character [0-9A-Za-z]. */
  readonly active: string;
  /** Secrets by key id (at least 32 characters each). */
  readonly keys: Readonly<Record<string, string>>;
}

export const invitationIdPattern = /^[0-9A-Za-z]{10}$/;
const tokenPattern = /^([0-9A-Za-z])([0-9A-Za-z]{10})([A-Za-z0-9_-]{12})$/;
const base62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

const mac = (sign: (message: string) => Uint8Array, kid: string, id: string): string => bytesToBase64Url(sign(`${kid}${id}`).slice(0, 9));


export const createLinkTokens = (keys: LinkTokenKeys) => {
  if (!/^[0-9A-Za-z]$/.test(keys.active) || !keys.keys[keys.active]) throw new Error(`link token key "${keys.active}" is not configured`);
  const signers = new Map(Object.entries(keys.keys).map(([kid, secret]) => [kid, hmacSha256With(secret)]));
  return {
    async issue(invitationId: string): Promise<string> {
      if (!invitationIdPattern.test(invitationId)) throw new Error('invitation ids are 10 base62 characters');
      return `${keys.active}${invitationId}${mac(signers.get(keys.active)!, keys.active, invitationId)}`;
    },
    /** The invitation id of a genuine token, or null for anything tampered, truncated or signed by an unknown key. */
    async verify(token: string): Promise<string | null> {
      const match = tokenPattern.exec(token);
      if (!match) return null;
      const [, kid, id, given] = match as unknown as [string, string, string, string];
      const sign = signers.get(kid);
      if (!sign) return null;
      return sameText(mac(sign, kid, id), given) ? id : null;
    },
  };
};

export type LinkTokens = ReturnType<typeof createLinkTokens>;

/** Stored in InvitationIssued: proves which link was issued without keeping the link itself. */
export const tokenHash = (token: string): string => sha256Hex(token);

/**
 * A deterministic invitation id for (case, trigger): the reactor may process the same case event
 * twice and must issue one invitation. 10 base62 characters from SHA-256.
 */
export const invitationIdFor = async (caseId: string, trigger: string): Promise<string> => {
  const digest = sha256Bytes(`invitation\u0000${caseId}\u0000${trigger}`);
  return Array.from(digest.slice(0, 10), (byte) => base62[byte % 62]).join('');
};

/** A fresh random invitation id (static QR scans). */
export const randomInvitationId = (): string => Array.from(crypto.getRandomValues(new Uint8Array(10)), (byte) => base62[byte % 62]).join('');
