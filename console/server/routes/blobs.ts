import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { invalidField } from '../../../core/http/field-errors.ts';
import { DomainError } from '../../../core/shared/errors.ts';
import { blobNotFound, mayOpenBlob } from '../blob-access.ts';
import type { StaffApiDeps } from '../deps.ts';
import type { StaffEnv } from '../env.ts';
import { principalOf, requirePermission } from '../middleware/session.ts';
import { BlobQuerySchema, parseQuery } from '../query-schemas.ts';
import { staffRoute } from '../openapi.ts';

const DEFAULT_MAX_UPLOAD = 50 * 1024 * 1024;
const BLOB_KEY = /^[0-9a-f]{64}$/;

const extensionOf: Readonly<Record<string, string>> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/heic': 'heic',
  'audio/mpeg': 'mp3',
  'audio/mp4': 'm4a',
  'audio/aac': 'aac',
  'audio/amr': 'amr',
  'audio/wav': 'wav',
  'video/mp4': 'mp4',
  'video/quicktime': 'mov',
};

/**
 * POST /blobs: upload one evidence file (凭证: photo, document scan, audio, video) as the raw request
 * body with its Content-Type. The blob store checks the bytes against the declared type and the size
 * limits; the answer's `key` is what the warning actions take as `blobKey`.
 *
 * GET /blobs/:key[?warning=…|?rating=…]: the file, only when it belongs to a rating or warning the
 * caller may see (else 404, as if missing). Pictures open inline, anything else downloads; the type is
 * the one the store sniffed from the bytes, never sniffed again by the browser, and never cached.
 */
export const blobRoutes = (deps: StaffApiDeps) => {
  const app = new Hono<StaffEnv>();
  const maxSize = deps.config?.maxUploadBytes ?? DEFAULT_MAX_UPLOAD;
  app.post(
    '/',
    staffRoute({
      tag: 'blobs',
      summary: 'Upload one evidence file (raw body with its Content-Type)',
      status: 201,
      problems: [400, 413, 415, 422],
    }),
    requirePermission('blob.upload'),
    bodyLimit({
      maxSize,
      onError: () => {
        throw new DomainError('BLOB_TOO_LARGE', '文件过大', {
          status: 413,
          details: { en: 'The file is too large.', field: 'body' },
        });
      },
    }),
    async (c) => {
      const declaredType = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
      const bytes = new Uint8Array(await c.req.arrayBuffer());
      const ref = await deps.blobs.put(bytes, { declaredType });
      return c.json({ key: ref.key, sha256: ref.sha256, size: ref.size, mediaType: ref.mediaType }, 201);
    },
  );

  app.get(
    '/:key',
    staffRoute({
      tag: 'blobs',
      summary: 'Open an evidence file',
      query: BlobQuerySchema,
      problems: [400, 404],
      responses: { 200: { description: 'The file, with the type sniffed from its bytes', content: { '*/*': { schema: { type: 'string', format: 'binary' } } } } },
    }),
    requirePermission('blob.read'), async (c) => {
    const key = c.req.param('key');
    if (!BLOB_KEY.test(key))
      throw invalidField(
        'key',
        { 'zh-CN': '文件标识应为 64 位小写十六进制', en: 'a blob key is 64 lower-case hex characters' },
        400,
      );
    const query = parseQuery(c, BlobQuerySchema);
    if (!(await mayOpenBlob(deps, principalOf(c), key, query))) throw blobNotFound();
    const blob = await deps.blobs.get(key);
    if (!blob) throw blobNotFound();
    const inline = blob.mediaType.startsWith('image/');
    c.header('content-type', blob.mediaType);
    c.header('content-length', String(blob.size));
    c.header(
      'content-disposition',
      `${inline ? 'inline' : 'attachment'}; filename="${key.slice(0, 16)}.${extensionOf[blob.mediaType] ?? 'bin'}"`,
    );
    c.header('x-content-type-options', 'nosniff');
    // Opened directly, the file runs nothing and loads nothing.
    c.header('content-security-policy', "default-src 'none'; img-src 'self'; media-src 'self'; sandbox");
    return c.body(blob.bytes as Uint8Array<ArrayBuffer>);
  });

  return app;
};
