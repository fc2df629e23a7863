import { AwsClient } from 'aws4fetch';
import { sha256HexOfBody } from '../pii/encoding.ts';
import { ALLOWED_MEDIA_TYPES, admitBlob } from './policy.ts';
import type { BlobMediaType, BlobRef, BlobSizeLimits, BlobStore, StoredBlob } from './types.ts';
import { DEFAULT_BLOB_LIMITS, assertBlobKey, blobError } from './types.ts';

export interface S3BlobStoreConfig {
  /** e.g. https://oss-cn-hangzhou.aliyuncs.com, https://cos.ap-guangzhou.myqcloud.com, http://127.0.0.1:9000 */
  readonly endpoint: string;
  readonly bucket: string;
  readonly region: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  /** Object-name prefix, e.g. "blobs/". */
  readonly prefix?: string;
  readonly limits?: BlobSizeLimits;
}

const ALLOWED = new Set<string>(ALLOWED_MEDIA_TYPES);

/**
 * An S3-compatible blob store (production: OSS, COS, MinIO, Ceph …), path-style URLs, SigV4 via the
 * Web-standard `aws4fetch`, with the payload's SHA-256 signed (not UNSIGNED-PAYLOAD) so the store
 * refuses a body altered in transit. Works on Node and Deno; `fetch` is injected for tests.
 */
export const createS3BlobStore = (config: S3BlobStoreConfig, deps: { fetch?: typeof fetch } = {}): BlobStore => {
  const doFetch = deps.fetch ?? fetch;
  const limits = config.limits ?? DEFAULT_BLOB_LIMITS;
  const aws = new AwsClient({
    accessKeyId: config.accessKeyId,
    secretAccessKey: config.secretAccessKey,
    ...(config.sessionToken ? { sessionToken: config.sessionToken } : {}),
    service: 's3',
    region: config.region,
    retries: 0,
  });
  const urlOf = (key: string): string => `${config.endpoint.replace(/\/+$/, '')}/${config.bucket}/${config.prefix ?? ''}${key}`;

  const send = async (method: 'GET' | 'HEAD' | 'PUT', key: string, init: { body?: Uint8Array; headers?: Record<string, string> } = {}) => {
    const payloadHash = init.body ? await sha256HexOfBody(init.body) : 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
    const request = await aws.sign(urlOf(key), {
      method,
      headers: { ...init.headers, 'x-amz-content-sha256': payloadHash },
      ...(init.body ? { body: init.body as Uint8Array<ArrayBuffer> } : {}),
    });
    let response: Response;
    try {
      response = await doFetch(request);
    } catch (error) {
      throw blobError('BLOB_STORE_UNAVAILABLE', `the blob store did not answer (${error instanceof Error ? error.name : 'error'})`, { key });
    }
    if (response.status >= 500 || response.status === 403 || response.status === 400) {
      await response.body?.cancel();
      throw blobError('BLOB_STORE_UNAVAILABLE', `the blob store answered ${response.status} to ${method}`, { key, status: response.status });
    }
    return response;
  };

  const has = async (key: string): Promise<boolean> => {
    assertBlobKey(key);
    const response = await send('HEAD', key);
    return response.ok;
  };

  return {
    async put(bytes, { declaredType }): Promise<BlobRef> {
      const mediaType = admitBlob(bytes, declaredType, limits);
      const key = await sha256HexOfBody(bytes);
      if (!(await has(key))) {
        const response = await send('PUT', key, { body: bytes, headers: { 'content-type': mediaType } });
        if (!response.ok) throw blobError('BLOB_STORE_UNAVAILABLE', `the blob store refused the upload (${response.status})`, { key });
        await response.body?.cancel();
      }
      return { key, sha256: key, size: bytes.length, mediaType };
    },

    async get(key): Promise<StoredBlob | undefined> {
      assertBlobKey(key);
      const response = await send('GET', key);
      if (response.status === 404) {
        await response.body?.cancel();
        return undefined;
      }
      const bytes = new Uint8Array(await response.arrayBuffer());
      if ((await sha256HexOfBody(bytes)) !== key) throw blobError('BLOB_CORRUPT', `blob ${key} does not match its hash`, { key });
      const mediaType = (response.headers.get('content-type') ?? '').split(';')[0]!.trim();
      if (!ALLOWED.has(mediaType)) throw blobError('BLOB_CORRUPT', `blob ${key} has no valid media type`, { key });
      return { key, sha256: key, size: bytes.length, mediaType: mediaType as BlobMediaType, bytes };
    },

    has,
  };
};
