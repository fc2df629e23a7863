import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLocalBlobStore } from './local.node.ts';
import { samples } from './testing/samples.ts';

describe('local-folder blob store', () => {
  let root: string;
  beforeEach(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'pinggai-blobs-'));
  });
  afterEach(async () => fs.rm(root, { recursive: true, force: true }));

  it('stores content-addressed in sharded folders and reads back the same bytes and type', async () => {
    const blobs = createLocalBlobStore({ root });
    const bytes = samples.jpeg();
    const ref = await blobs.put(bytes, { declaredType: 'image/jpeg' });
    const expectedHash = Buffer.from(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>)).toString('hex');
    expect(ref).toEqual({ key: expectedHash, sha256: expectedHash, size: bytes.length, mediaType: 'image/jpeg' });
    expect(await fs.stat(path.join(root, ref.key.slice(0, 2), ref.key.slice(2, 4), ref.key))).toBeTruthy();
    expect(await blobs.has(ref.key)).toBe(true);
    const stored = await blobs.get(ref.key);
    expect(stored?.mediaType).toBe('image/jpeg');
    expect(Buffer.from(stored!.bytes).equals(Buffer.from(bytes))).toBe(true);
    expect(await fs.readdir(path.join(root, 'tmp'))).toEqual([]); // no temp files left behind
  });

  it('the same bytes twice are stored once; concurrent puts agree', async () => {
    const blobs = createLocalBlobStore({ root });
    const refs = await Promise.all(Array.from({ length: 5 }, () => blobs.put(samples.png(), { declaredType: 'image/png' })));
    expect(new Set(refs.map((r) => r.key)).size).toBe(1);
    expect((await blobs.get(refs[0]!.key))?.mediaType).toBe('image/png');
  });

  it('unknown key → undefined; malformed key (path traversal) → BLOB_KEY_INVALID', async () => {
    const blobs = createLocalBlobStore({ root });
    expect(await blobs.get('0'.repeat(64))).toBeUndefined();
    expect(await blobs.has('0'.repeat(64))).toBe(false);
    await expect(blobs.get('../../etc/passwd')).rejects.toMatchObject({ code: 'BLOB_KEY_INVALID', status: 400 });
    await expect(blobs.has('AB'.repeat(32))).rejects.toMatchObject({ code: 'BLOB_KEY_INVALID' });
  });

  it('refuses bad uploads without writing anything', async () => {
    const blobs = createLocalBlobStore({ root, limits: { image: 1024, audio: 1024, video: 1024 } });
    await expect(blobs.put(samples.html(512), { declaredType: 'image/jpeg' })).rejects.toMatchObject({ code: 'BLOB_CONTENT_MISMATCH' });
    await expect(blobs.put(samples.jpeg(), { declaredType: 'image/jpeg' })).rejects.toMatchObject({ code: 'BLOB_TOO_LARGE' });
    expect(await fs.readdir(root)).toEqual([]);
  });

  it('a blob altered on disk is reported as corrupt, not served', async () => {
    const blobs = createLocalBlobStore({ root });
    const ref = await blobs.put(samples.wav(), { declaredType: 'audio/wav' });
    const file = path.join(root, ref.key.slice(0, 2), ref.key.slice(2, 4), ref.key);
    const altered = await fs.readFile(file);
    altered[100] = altered[100]! ^ 0xff;
    await fs.writeFile(file, altered);
    await expect(blobs.get(ref.key)).rejects.toMatchObject({ code: 'BLOB_CORRUPT' });
  });
});
