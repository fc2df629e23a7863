import { bytesToBase64Url, bytesToHex, hmacSha256With, sameText } from '../../core/pii/encoding.ts';
import type { LinkTokenKeys } from '../../core/invitation/token.ts';

const cookiePattern = /^([0-9A-Za-z])([0-9A-Za-z]{22})([A-Za-z0-9_-]{16})$/;


/**
 * The static-QR device cookie (`pg_dev`) and the address pseudonym, signed with the link-token keys
 * (their key ids allow rotation; each use has its own prefix, so no value can pass for another).
 * A device id is issued by the server on the matter page as `<kid:1><id:22><mac:16>`: a client that
 * makes one up, or drops the cookie to look new, is not served an invitation.
 *
 * @example
 *   const signing = staticQrSigning(config.linkTokens);
 *   const cookie = signing.deviceCookie(ids.deviceId());
 *   signing.deviceOf(cookie); // the id; null for anything forged or tampered
 */
export const staticQrSigning = (keys: LinkTokenKeys) => {
  const signers = new Map(Object.entries(keys.keys).map(([kid, secret]) => [kid, hmacSha256With(secret)]));
  const active = signers.get(keys.active);
  if (!active) throw new Error(`link token key "${keys.active}" is not configured`);
  const mac = (sign: (message: string) => Uint8Array, kid: string, id: string) => bytesToBase64Url(sign(`pg_dev\u0000${kid}${id}`).slice(0, 12));
  return {
    /** The cookie value for a fresh device id (22 base62 characters). */
    deviceCookie(deviceId: string): string {
      if (!/^[0-9A-Za-z]{22}$/.test(deviceId)) throw new Error('device ids are 22 base62 characters');
      return `${keys.active}${deviceId}${mac(active, keys.active, deviceId)}`;
    },
    /** The device id of a cookie this server issued; null for a missing, made-up or tampered one. */
    deviceOf(cookie: string | undefined): string | null {
      const match = cookie === undefined ? null : cookiePattern.exec(cookie);
      if (!match) return null;
      const [, kid, id, given] = match as unknown as [string, string, string, string];
      const sign = signers.get(kid);
      return sign && sameText(mac(sign, kid, id), given) ? id : null;
    },
    /** A keyed pseudonym of a client address: the rate-limit table never holds the address itself. */
    addressTag(address: string): string {
      return bytesToHex(active(`pg_addr\u0000${address}`).slice(0, 16));
    },
  };
};

export type StaticQrSigning = ReturnType<typeof staticQrSigning>;
