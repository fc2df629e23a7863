// The blob-store port (附件存储) and its Web-standard S3 adapter; the local-folder adapter is Node-only
// (local.node.ts) and is imported by the embedded composition root directly.
export type { BlobErrorCode, BlobKind, BlobMediaType, BlobRef, BlobSizeLimits, BlobStore, StoredBlob } from './types.ts';
export { DEFAULT_BLOB_LIMITS, assertBlobKey, kindOf } from './types.ts';
export { ALLOWED_MEDIA_TYPES, admitBlob, canonicalDeclaredType } from './policy.ts';
export { sniffMediaType } from './sniff.ts';
export type { S3BlobStoreConfig } from './s3.ts';
export { createS3BlobStore } from './s3.ts';
