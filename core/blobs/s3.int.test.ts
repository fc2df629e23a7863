import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3BlobStore } from './s3.ts';
import { samples } from './testing/samples.ts';
import type { S3Emulator } from './testing/s3-emulator.ts';
import { startS3Emulator } from './testing/s3-emulator.ts';

const credentials = { accessKeyId: 'PINGGAITESTKEY', secretAccessKey: 'pinggai-test-secret', region: 'cn-hangzhou' };

describe('S3-compatible blob store against a local server that checks SigV4', () => {
  let s3: S3Emulator;
  beforeAll(async () => {
    s3 = await startS3Emulator(credentials);
  });
  afterAll(async () => s3.close());
  const store = (secret = credentials.secretAccessKey) =>
    createS3BlobStore({ endpoint: s3.endpoint, bucket: 'evidence', prefix: 'blobs/', ...credentials, secretAccessKey: secret }, { fetch });

  it('puts (signed payload), heads and gets back the bytes with their media type', async () => {
    const bytes = samples.m4a();
    const ref = await store().put(bytes, { declaredType: 'audio/x-m4a' });
    expect(ref.mediaType).toBe('audio/mp4');
    expect(s3.refused).toBe(0);
    expect(s3.objects.has(`evidence/blobs/${ref.key}`)).toBe(true);
    expect(await store().has(ref.key)).toBe(true);
    const got = await store().get(ref.key);
    expect(got).toMatchObject({ key: ref.key, size: bytes.length, mediaType: 'audio/mp4' });
    expect(Buffer.from(got!.bytes).equals(Buffer.from(bytes))).toBe(true);
  });

  it('the same bytes again are not uploaded again', async () => {
    const before = s3.puts;
    await store().put(samples.m4a(), { declaredType: 'audio/mp4' });
    expect(s3.puts).toBe(before);
  });

  it('a missing key is undefined; a bad signature is BLOB_STORE_UNAVAILABLE, not a silent miss', async () => {
    expect(await store().get('f'.repeat(64))).toBeUndefined();
    expect(await store().has('f'.repeat(64))).toBe(false);
    await expect(store('wrong-secret').has('f'.repeat(64))).rejects.toMatchObject({ code: 'BLOB_STORE_UNAVAILABLE' });
    expect(s3.refused).toBe(1);
  });

  it('an object altered in the bucket is reported as corrupt', async () => {
    const ref = await store().put(samples.png(), { declaredType: 'image/png' });
    const object = s3.objects.get(`evidence/blobs/${ref.key}`)!;
    object.bytes = object.bytes.slice();
    object.bytes[50] = object.bytes[50]! ^ 0xff;
    await expect(store().get(ref.key)).rejects.toMatchObject({ code: 'BLOB_CORRUPT' });
  });

  it('refuses a disallowed or mismatching upload before any request', async () => {
    const before = s3.puts;
    await expect(store().put(samples.html(), { declaredType: 'image/jpeg' })).rejects.toMatchObject({ code: 'BLOB_CONTENT_MISMATCH' });
    await expect(store().put(samples.pdf(), { declaredType: 'application/pdf' })).rejects.toMatchObject({ code: 'BLOB_TYPE_NOT_ALLOWED' });
    expect(s3.puts).toBe(before);
  });

  it('an unreachable store is BLOB_STORE_UNAVAILABLE (503)', async () => {
    const down = createS3BlobStore({ endpoint: 'http://127.0.0.1:9', bucket: 'b', ...credentials }, { fetch });
    await expect(down.has('f'.repeat(64))).rejects.toMatchObject({ code: 'BLOB_STORE_UNAVAILABLE', status: 503 });
  });
});
