// Node only: the embedded mode's blob store in a local folder.
import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { sha256HexOfBody } from '../pii/encoding.ts';
import { ALLOWED_MEDIA_TYPES, admitBlob } from './policy.ts';
import type { BlobMediaType, BlobRef, BlobSizeLimits, BlobStore, StoredBlob } from './types.ts';
import { DEFAULT_BLOB_LIMITS, assertBlobKey, blobError } from './types.ts';

const ALLOWED_TYPES_SET = new Set<string>(ALLOWED_MEDIA_TYPES);

/**
 * Blobs in `<root>/ab/cd/<sha256>` with the media type beside it in `<sha256>.type`; shards keep any one
 * folder small. Writes go to `<root>/tmp` first and are renamed into place (atomic on one file
 * system), so a crash never leaves a half-written blob under a real key. Reads re-hash the bytes:
 * an evidence file that no longer matches its key is reported as BLOB_CORRUPT, not served.
 *
 * @example
 *   const blobs = createLocalBlobStore({ root: path.join(dataDir, 'blobs') });
 *   const ref = await blobs.put(bytes, { declaredType: 'image/jpeg' });
 */
export const createLocalBlobStore = (options: { root: string; limits?: BlobSizeLimits }): BlobStore => {
  const limits = options.limits ?? DEFAULT_BLOB_LIMITS;
  const fileOf = (key: string): string => path.join(options.root, key.slice(0, 2), key.slice(2, 4), key);
  const tmpDir = path.join(options.root, 'tmp');

  const writeAtomically = async (target: string, data: Uint8Array | string): Promise<void> => {
    await fs.mkdir(tmpDir, { recursive: true });
    await fs.mkdir(path.dirname(target), { recursive: true });
    const temp = path.join(tmpDir, `${randomUUID()}.part`);
    const handle = await fs.open(temp, 'wx', 0o640);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(temp, target);
  };

  const exists = async (file: string): Promise<boolean> =>
    fs.access(file).then(
      () => true,
      () => false,
    );

  return {
    async put(bytes, { declaredType }): Promise<BlobRef> {
      const mediaType = admitBlob(bytes, declaredType, limits);
      const key = await sha256HexOfBody(bytes);
      const file = fileOf(key);
      if (!(await exists(file))) {
        // The type first: a blob file present means its type file is too.
        await writeAtomically(`${file}.type`, mediaType);
        await writeAtomically(file, bytes);
      }
      return { key, sha256: key, size: bytes.length, mediaType };
    },

    async get(key): Promise<StoredBlob | undefined> {
      assertBlobKey(key);
      const file = fileOf(key);
      let bytes: Uint8Array;
      try {
        bytes = new Uint8Array(await fs.readFile(file));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
      if ((await sha256HexOfBody(bytes)) !== key) throw blobError('BLOB_CORRUPT', `blob ${key} does not match its hash`, { key });
      const mediaType = (await fs.readFile(`${file}.type`, 'utf8')).trim();
      if (!ALLOWED_TYPES_SET.has(mediaType)) throw blobError('BLOB_CORRUPT', `blob ${key} has no valid media type`, { key });
      return { key, sha256: key, size: bytes.length, mediaType: mediaType as BlobMediaType, bytes };
    },

    async has(key): Promise<boolean> {
      assertBlobKey(key);
      return exists(fileOf(key));
    },
  };
};
