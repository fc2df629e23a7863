import { Hono } from 'hono';
import type { StaffApiDeps } from '../deps.ts';
import type { StaffEnv } from '../env.ts';
import { principalOf, requirePermission } from '../middleware/session.ts';
import { DashboardQuerySchema, FunnelQuerySchema, parseQuery, RollupQuerySchema } from '../query-schemas.ts';
import { readModels, scopedFilter } from '../rating-scope.ts';

/**
 * GET /dashboard/… (看板): thin wrappers over the projections' queries. Each parses its query
 * string (422 naming `query.<key>`), forces the filter into the caller's scope, and answers the
 * shape console/web/api/dashboard.ts reads; lists are `{ rows }`.
 */
export const dashboardRoutes = (deps: StaffApiDeps) => {
  const app = new Hono<StaffEnv>();
  app.use('*', requirePermission('dashboard.read'));

  app.get('/ratings/summary', async (c) => {
    const query = parseQuery(c, DashboardQuerySchema);
    return c.json(await readModels(deps.queries).ratingSummary(scopedFilter(principalOf(c), query)));
  });

  app.get('/ratings/rollup', async (c) => {
    const query = parseQuery(c, RollupQuerySchema);
    const rows = await readModels(deps.queries).ratingRollup({
      filter: scopedFilter(principalOf(c), query),
      ...(query.by ? { by: query.by } : {}),
      ...(query.period ? { period: query.period } : {}),
    });
    return c.json({ rows });
  });

  app.get('/unrated', async (c) => {
    const query = parseQuery(c, DashboardQuerySchema);
    return c.json(await readModels(deps.queries).unratedCases(scopedFilter(principalOf(c), query)));
  });

  app.get('/indicators', async (c) => {
    const query = parseQuery(c, DashboardQuerySchema);
    return c.json({
      rows: await readModels(deps.queries).indicatorScores(scopedFilter(principalOf(c), query)),
    });
  });

  app.get('/funnel', async (c) => {
    const query = parseQuery(c, FunnelQuerySchema);
    return c.json({
      rows: await readModels(deps.queries).responseFunnel({
        filter: scopedFilter(principalOf(c), query),
        by: query.by,
      }),
    });
  });

  app.get('/heatmap', async (c) => {
    const query = parseQuery(c, DashboardQuerySchema);
    return c.json({ rows: await readModels(deps.queries).heatmap(scopedFilter(principalOf(c), query)) });
  });

  app.get('/warnings', async (c) => {
    const query = parseQuery(c, DashboardQuerySchema);
    return c.json(await readModels(deps.queries).warningDashboard(scopedFilter(principalOf(c), query)));
  });

  return app;
};
