import { bytesToHex, hmac, sha256Hex } from '../../pii/encoding.ts';

/**
 * Tencent Cloud API 3.0 signature TC3-HMAC-SHA256 (腾讯云签名方法 v3), Web-standard (WebCrypto).
 */
export interface Tc3Request {
  readonly method: 'GET' | 'POST';
  readonly host: string;
  /** The query string for GET ("" for POST). */
  readonly query?: string;
  /** Headers taking part in the signature besides host (content-type required; x-tc-action recommended). */
  readonly headers: Readonly<Record<string, string>>;
  readonly payload: string;
  readonly service: string;
  /** Unix seconds, the X-TC-Timestamp header. */
  readonly timestamp: number;
}

/** The UTC date of the timestamp: the credential scope is in UTC, not Beijing time. */
export const tc3Date = (timestamp: number): string => new Date(timestamp * 1000).toISOString().slice(0, 10);

/** Header names and values lower-cased and trimmed, sorted by name; content-type and host always in. */
export const tc3CanonicalRequest = async (request: Tc3Request): Promise<{ canonicalRequest: string; signedHeaders: string }> => {
  const headers = new Map<string, string>([['host', request.host.toLowerCase()]]);
  for (const [name, value] of Object.entries(request.headers)) headers.set(name.toLowerCase(), value.trim().toLowerCase());
  const names = [...headers.keys()].sort();
  const canonicalHeaders = names.map((name) => `${name}:${headers.get(name)}\n`).join('');
  const signedHeaders = names.join(';');
  const canonicalRequest = [request.method, '/', request.query ?? '', canonicalHeaders, signedHeaders, sha256Hex(request.payload)].join('\n');
  return { canonicalRequest, signedHeaders };
};

export const tc3StringToSign = async (canonicalRequest: string, timestamp: number, service: string): Promise<string> =>
  `TC3-HMAC-SHA256\n${timestamp}\n${tc3Date(timestamp)}/${service}/tc3_request\n${sha256Hex(canonicalRequest)}`;

/** SecretSigning = HMAC(HMAC(HMAC("TC3" + SecretKey, Date), Service), "tc3_request"). */
export const tc3SigningKey = async (secretKey: string, date: string, service: string): Promise<Uint8Array> =>
  hmac('SHA-256', hmac('SHA-256', hmac('SHA-256', `TC3${secretKey}`, date), service), 'tc3_request');

export const tc3SignatureWithKey = async (signingKey: Uint8Array, stringToSign: string): Promise<string> =>
  bytesToHex(hmac('SHA-256', signingKey, stringToSign));

export const signTc3 = async (
  request: Tc3Request,
  credentials: { secretId: string; secretKey: string },
): Promise<{ authorization: string; canonicalRequest: string; stringToSign: string; signature: string }> => {
  const { canonicalRequest, signedHeaders } = await tc3CanonicalRequest(request);
  const stringToSign = await tc3StringToSign(canonicalRequest, request.timestamp, request.service);
  const date = tc3Date(request.timestamp);
  const signature = await tc3SignatureWithKey(await tc3SigningKey(credentials.secretKey, date, request.service), stringToSign);
  return {
    authorization: `TC3-HMAC-SHA256 Credential=${credentials.secretId}/${date}/${request.service}/tc3_request, SignedHeaders=${signedHeaders}, Signature=${signature}`,
    canonicalRequest,
    stringToSign,
    signature,
  };
};
