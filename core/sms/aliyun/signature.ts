import { bytesToBase64, bytesToHex, hmac, sha256Hex } from '../../pii/encoding.ts';

/**
 * Alibaba Cloud API request signatures (阿里云 OpenAPI 签名), Web-standard (WebCrypto) so they run on
 * Deno too. V3 (ACS3-HMAC-SHA256) is what the adapter sends; V1 (RPC, HMAC-SHA1) is kept because the
 * SMS documentation's worked example still uses it and older gateways in government networks do.
 */

/** RFC 3986 encoding as Alibaba Cloud wants it: only A–Z a–z 0–9 - _ . ~ stay; space → %20, * → %2A. */
export const aliyunPercentEncode = (text: string): string =>
  encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** Parameters sorted by name (code-unit order), each name and value encoded, joined with &. */
export const canonicalQueryString = (params: Readonly<Record<string, string>>): string =>
  Object.keys(params)
    .sort()
    .map((name) => `${aliyunPercentEncode(name)}=${aliyunPercentEncode(params[name]!)}`)
    .join('&');

// ── V1 (RPC style, SignatureMethod=HMAC-SHA1) ────────────────────────────────────────────────────

/** StringToSign = METHOD & percentEncode("/") & percentEncode(canonicalized query string). */
export const rpcV1StringToSign = (method: 'GET' | 'POST', params: Readonly<Record<string, string>>): string =>
  `${method}&${aliyunPercentEncode('/')}&${aliyunPercentEncode(canonicalQueryString(params))}`;

/** Signature = Base64(HMAC-SHA1(AccessKeySecret + "&", StringToSign)). `params` must not hold Signature. */
export const signRpcV1 = async (method: 'GET' | 'POST', params: Readonly<Record<string, string>>, accessKeySecret: string): Promise<string> =>
  bytesToBase64(hmac('SHA-1', `${accessKeySecret}&`, rpcV1StringToSign(method, params)));

// ── V3 (ACS3-HMAC-SHA256) ──────────────────────────────────────────────────────────────────────

export interface Acs3Request {
  readonly method: 'GET' | 'POST';
  readonly host: string;
  /** "/" for RPC-style APIs such as SendSms. */
  readonly path?: string;
  readonly query: Readonly<Record<string, string>>;
  /** Request headers other than host and Authorization (x-acs-*, content-type, …). */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

const signsHeader = (name: string): boolean => name === 'host' || name === 'content-type' || name.startsWith('x-acs-');

const encodePath = (path: string): string => path.split('/').map(aliyunPercentEncode).join('/');

/** The canonical request; headers must already include x-acs-content-sha256 (the body's SHA-256). */
export const acs3CanonicalRequest = (request: Acs3Request): { canonicalRequest: string; signedHeaders: string } => {
  const headers = new Map<string, string>([['host', request.host]]);
  for (const [name, value] of Object.entries(request.headers)) {
    if (signsHeader(name.toLowerCase())) headers.set(name.toLowerCase(), value.trim());
  }
  const names = [...headers.keys()].sort();
  const signedHeaders = names.join(';');
  const canonicalHeaders = names.map((name) => `${name}:${headers.get(name)}\n`).join('');
  const hashedPayload = headers.get('x-acs-content-sha256') ?? '';
  return {
    canonicalRequest: [request.method, encodePath(request.path ?? '/'), canonicalQueryString(request.query), canonicalHeaders, signedHeaders, hashedPayload].join(
      '\n',
    ),
    signedHeaders,
  };
};

export const acs3StringToSign = async (canonicalRequest: string): Promise<string> => `ACS3-HMAC-SHA256\n${sha256Hex(canonicalRequest)}`;

/**
 * Signs a request: returns the Authorization header value and the headers to send (the caller's
 * headers plus x-acs-content-sha256).
 */
export const signAcs3 = async (
  request: Omit<Acs3Request, 'headers'> & { headers: Readonly<Record<string, string>> },
  credentials: { accessKeyId: string; accessKeySecret: string },
): Promise<{ authorization: string; headers: Record<string, string>; canonicalRequest: string; stringToSign: string }> => {
  const headers = { ...request.headers, 'x-acs-content-sha256': sha256Hex(request.body) };
  const { canonicalRequest, signedHeaders } = acs3CanonicalRequest({ ...request, headers });
  const stringToSign = await acs3StringToSign(canonicalRequest);
  const signature = bytesToHex(hmac('SHA-256', credentials.accessKeySecret, stringToSign));
  return {
    authorization: `ACS3-HMAC-SHA256 Credential=${credentials.accessKeyId},SignedHeaders=${signedHeaders},Signature=${signature}`,
    headers,
    canonicalRequest,
    stringToSign,
  };
};
