import { sniffMediaType } from './sniff.ts';
import type { BlobMediaType, BlobSizeLimits } from './types.ts';
import { DEFAULT_BLOB_LIMITS, blobError, kindOf } from './types.ts';

/** Declared (client-sent) types as browsers and phones spell them → the canonical allowed type. */
const DECLARED_ALIASES: Readonly<Record<string, BlobMediaType>> = {
  'image/jpeg': 'image/jpeg',
  'image/jpg': 'image/jpeg',
  'image/pjpeg': 'image/jpeg',
  'image/png': 'image/png',
  'image/webp': 'image/webp',
  'image/heic': 'image/heic',
  'image/heif': 'image/heic',
  'audio/mpeg': 'audio/mpeg',
  'audio/mp3': 'audio/mpeg',
  'audio/mp4': 'audio/mp4',
  'audio/m4a': 'audio/mp4',
  'audio/x-m4a': 'audio/mp4',
  'audio/aac': 'audio/aac',
  'audio/x-aac': 'audio/aac',
  'audio/aacp': 'audio/aac',
  'audio/amr': 'audio/amr',
  'audio/wav': 'audio/wav',
  'audio/wave': 'audio/wav',
  'audio/x-wav': 'audio/wav',
  'video/mp4': 'video/mp4',
  'video/quicktime': 'video/quicktime',
};

export const ALLOWED_MEDIA_TYPES: readonly BlobMediaType[] = [...new Set(Object.values(DECLARED_ALIASES))];

/** A declared type with parameters and case removed, mapped to its canonical form (or undefined). */
export const canonicalDeclaredType = (declaredType: string): BlobMediaType | undefined =>
  DECLARED_ALIASES[declaredType.split(';')[0]!.trim().toLowerCase()];

/** A size as people read it: `10 MB`, `1.5 MB`, `4 KB`. */
export const formatSize = (bytes: number): string =>
  bytes >= 1024 * 1024 ? `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB` : `${Math.ceil(bytes / 1024)} KB`;

/**
 * Decides whether bytes may be stored and as what: the declared type must be allowed, the size within
 * its kind's limit, and the content must really be that type. Returns the media type to record.
 */
export const admitBlob = (bytes: Uint8Array, declaredType: string, limits: BlobSizeLimits = DEFAULT_BLOB_LIMITS): BlobMediaType => {
  const declared = canonicalDeclaredType(declaredType);
  if (declared === undefined) {
    throw blobError('BLOB_TYPE_NOT_ALLOWED', `文件类型不允许: ${declaredType.slice(0, 60)}`, {
      en: `This file type is not allowed: ${declaredType.slice(0, 60)}`,
      field: 'declaredType',
      allowed: ALLOWED_MEDIA_TYPES,
    });
  }
  if (bytes.length === 0) throw blobError('BLOB_EMPTY', '文件为空', { en: 'The file is empty.', field: 'file' });
  const kind = kindOf(declared);
  if (bytes.length > limits[kind]) {
    throw blobError('BLOB_TOO_LARGE', `文件过大: ${kind} 最大 ${formatSize(limits[kind])}`, {
      en: `The file is too large: at most ${formatSize(limits[kind])} for ${kind}.`,
      field: 'file',
      size: bytes.length,
      limit: limits[kind],
    });
  }
  const actual = sniffMediaType(bytes);
  if (actual === declared) return actual;
  // A generic MP4 container holding only sound is how many phones save voice notes.
  if (declared === 'audio/mp4' && actual === 'video/mp4') return 'audio/mp4';
  throw blobError('BLOB_CONTENT_MISMATCH', `文件内容与声明的类型不符 (声明 ${declared}, 实际 ${actual ?? '未知或不允许'})`, {
    en: `The file's content does not match its declared type (declared ${declared}, found ${actual ?? 'unknown or not allowed'}).`,
    field: 'file',
    declared,
    actual: actual ?? null,
  });
};
