import { Hono } from 'hono';
import type { RatingDrill } from '../../../projections/queries/ratings.ts';
import type { StaffApiDeps } from '../deps.ts';
import type { StaffEnv } from '../env.ts';
import { principalOf, requirePermission } from '../middleware/session.ts';
import { parseQuery, RatingsQuerySchema } from '../query-schemas.ts';
import { readModels, scopedFilter } from '../rating-scope.ts';
import { staffRoute } from '../openapi.ts';

/**
 * GET /ratings: the ratings behind a number (drill-down, 差评清单 with negativeOnly=true, the 差评
 * behind 差评回复率 with replyRate=true), newest first, comments masked, attachments as references the
 * console opens through GET /blobs/:key.
 */
export const ratingRoutes = (deps: StaffApiDeps) => {
  const app = new Hono<StaffEnv>();
  app.get('/', staffRoute({ tag: 'ratings', summary: '评价清单 Ratings behind a number, newest first', query: RatingsQuerySchema }), requirePermission('rating.list'), async (c) => {
    const query = parseQuery(c, RatingsQuerySchema);
    const drill: RatingDrill = {
      ...(query.weekday !== undefined ? { weekday: query.weekday } : {}),
      ...(query.hour !== undefined ? { hour: query.hour } : {}),
      ...(query.level !== undefined ? { level: query.level } : {}),
      ...(query.indicator !== undefined ? { indicator: query.indicator } : {}),
      ...(query.indicatorLevelAtMost !== undefined
        ? { indicatorLevelAtMost: query.indicatorLevelAtMost }
        : {}),
      ...(query.invited === 'true' ? { invited: true } : {}),
      ...(query.replyRate === 'true' ? { replyRate: true } : {}),
    };
    const rows = await readModels(deps.queries).ratingList({
      filter: scopedFilter(principalOf(c), query),
      drill,
      negativeOnly: query.negativeOnly === 'true',
      limit: query.limit,
      offset: query.offset,
    });
    return c.json({ rows });
  });
  return app;
};
