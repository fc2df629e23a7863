import { DomainError } from '../shared/errors.ts';

/** What an attachment or evidence file is (图片 / 语音 / 视频). */
export type BlobKind = 'image' | 'audio' | 'video';

/** The media types PingGai accepts, decided by content (magic bytes), never by the file name. */
export type BlobMediaType =
  | 'image/jpeg'
  | 'image/png'
  | 'image/webp'
  | 'image/heic'
  | 'audio/mpeg'
  | 'audio/mp4'
  | 'audio/aac'
  | 'audio/amr'
  | 'audio/wav'
  | 'video/mp4'
  | 'video/quicktime';

export const kindOf = (mediaType: BlobMediaType): BlobKind => mediaType.split('/')[0] as BlobKind;

/** Per-kind size limits in bytes (configurable; defaults: image 10 MB, audio 10 MB, video 50 MB). */
export type BlobSizeLimits = Readonly<Record<BlobKind, number>>;
export const DEFAULT_BLOB_LIMITS: BlobSizeLimits = { image: 10 * 1024 * 1024, audio: 10 * 1024 * 1024, video: 50 * 1024 * 1024 };

/** A stored blob: content-addressed, so the key is the SHA-256 of the bytes (hex). */
export interface BlobRef {
  readonly key: string;
  readonly sha256: string;
  readonly size: number;
  readonly mediaType: BlobMediaType;
}

export interface StoredBlob extends BlobRef {
  readonly bytes: Uint8Array;
}

/**
 * The blob-store port (附件存储) for pictures, voice, video and evidence. `put` checks the content
 * against the declared type and the size limits before anything is stored; storing the same bytes
 * twice stores them once.
 */
export interface BlobStore {
  put(bytes: Uint8Array, options: { declaredType: string }): Promise<BlobRef>;
  /** The blob, or undefined when there is none under that key. Throws BLOB_KEY_INVALID for a malformed key. */
  get(key: string): Promise<StoredBlob | undefined>;
  has(key: string): Promise<boolean>;
}

export type BlobErrorCode =
  | 'BLOB_EMPTY'
  | 'BLOB_TYPE_NOT_ALLOWED'
  | 'BLOB_CONTENT_MISMATCH'
  | 'BLOB_TOO_LARGE'
  | 'BLOB_KEY_INVALID'
  | 'BLOB_CORRUPT'
  | 'BLOB_STORE_UNAVAILABLE';

const statusOf: Record<BlobErrorCode, number> = {
  BLOB_EMPTY: 422,
  BLOB_TYPE_NOT_ALLOWED: 415,
  BLOB_CONTENT_MISMATCH: 415,
  BLOB_TOO_LARGE: 413,
  BLOB_KEY_INVALID: 400,
  BLOB_CORRUPT: 500,
  BLOB_STORE_UNAVAILABLE: 503,
};

export const blobError = (code: BlobErrorCode, message: string, details: Record<string, unknown> = {}): DomainError =>
  new DomainError(code, message, { status: statusOf[code], details });

/** Keys are lower-case SHA-256 hex: checking this is also what keeps a key from naming a path. */
export const assertBlobKey = (key: string): void => {
  if (!/^[0-9a-f]{64}$/.test(key)) throw blobError('BLOB_KEY_INVALID', 'a blob key is 64 lower-case hex characters', { field: 'key' });
};
