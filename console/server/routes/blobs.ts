import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { DomainError } from '../../../core/shared/errors.ts';
import type { StaffApiDeps } from '../deps.ts';
import type { StaffEnv } from '../env.ts';
import { requirePermission } from '../middleware/session.ts';

const DEFAULT_MAX_UPLOAD = 50 * 1024 * 1024;

/**
 * POST /blobs: upload one evidence file (凭证: photo, document scan, audio, video) as the raw request
 * body with its Content-Type. The blob store checks the bytes against the declared type and the size
 * limits; the answer's `key` is what the warning actions take as `blobKey`.
 */
export const blobRoutes = (deps: StaffApiDeps) => {
  const app = new Hono<StaffEnv>();
  const maxSize = deps.config?.maxUploadBytes ?? DEFAULT_MAX_UPLOAD;
  app.post(
    '/',
    requirePermission('blob.upload'),
    bodyLimit({
      maxSize,
      onError: () => {
        throw new DomainError('BLOB_TOO_LARGE', '文件过大', { status: 413, details: { en: 'The file is too large.', field: 'body' } });
      },
    }),
    async (c) => {
      const declaredType = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
      const bytes = new Uint8Array(await c.req.arrayBuffer());
      const ref = await deps.blobs.put(bytes, { declaredType });
      return c.json({ key: ref.key, sha256: ref.sha256, size: ref.size, mediaType: ref.mediaType }, 201);
    },
  );
  return app;
};
