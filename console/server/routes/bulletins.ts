import { Hono } from 'hono';
import * as v from 'valibot';
import { invalidField } from '../../../core/http/field-errors.ts';
import type { StaffApiDeps } from '../deps.ts';
import type { StaffEnv } from '../env.ts';
import { requirePermission } from '../middleware/session.ts';
import { LangOnlyQuerySchema, parseQuery } from '../query-schemas.ts';
import { readModels } from '../rating-scope.ts';
import { staffRoute } from '../openapi.ts';

// Years 1900–2999 (BulletinMonthSchema): the database refuses year 0000 as a time.
const BulletinFileSchema = v.pipe(v.string(), v.regex(/^(19\d\d|2\d{3})-(0[1-9]|1[0-2])\.(docx|html)$/, 'YYYY-MM.docx or YYYY-MM.html'));

/**
 * GET /bulletins/<YYYY-MM>.docx | .html — the monthly bulletin (月度通报) as an editable Word
 * document for officials, or as a page. Built on demand from the read models.
 */
export const bulletinRoutes = (deps: StaffApiDeps) => {
  const app = new Hono<StaffEnv>();
  app.get(
    '/:file',
    staffRoute({
      tag: 'bulletins',
      summary: '月度通报 The monthly bulletin as Word or HTML',
      query: LangOnlyQuerySchema,
      problems: [400],
      responses: {
        200: {
          description: 'The bulletin',
          content: {
            'text/html': { schema: { type: 'string' } },
            'application/vnd.openxmlformats-officedocument.wordprocessingml.document': { schema: { type: 'string', format: 'binary' } },
          },
        },
      },
    }),
    requirePermission('bulletin.read'), async (c) => {
    parseQuery(c, LangOnlyQuerySchema);
    const parsed = v.safeParse(BulletinFileSchema, c.req.param('file'));
    if (!parsed.success) {
      throw invalidField('path.file', { 'zh-CN': '格式应为 YYYY-MM.docx 或 YYYY-MM.html', en: 'must be YYYY-MM.docx or YYYY-MM.html' }, 400);
    }
    const [month, format] = parsed.output.split('.') as [string, 'docx' | 'html'];
    const build = readModels(deps.queries).monthlyBulletin;
    if (!build) throw invalidField('path.file', { 'zh-CN': '月度通报暂不可用', en: 'The bulletin is not available here.' }, 400);
    const bulletin = await build(month);
    if (format === 'html') return c.html(bulletin.html);
    return c.body(bulletin.docx as Uint8Array<ArrayBuffer>, 200, {
      'content-type': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(bulletin.fileName)}`,
    });
  });
  return app;
};
