import { Hono } from 'hono';
import { canSeeWarning, scopeOf } from '../../../core/access/scope.ts';
import type { StaffApiDeps } from '../deps.ts';
import type { StaffEnv } from '../env.ts';
import { principalOf, requirePermission } from '../middleware/session.ts';
import { DashboardQuerySchema, DashboardWarningsQuerySchema, FunnelQuerySchema, parseQuery, RollupQuerySchema } from '../query-schemas.ts';
import { readModels, scopedFilter } from '../rating-scope.ts';
import { staffRoute } from '../openapi.ts';

/**
 * GET /dashboard/… (看板): thin wrappers over the projections' queries. Each parses its query
 * string (422 naming `query.<key>`), forces the filter into the caller's scope, and answers the
 * shape console/web/api/dashboard.ts reads; lists are `{ rows }`.
 */
export const dashboardRoutes = (deps: StaffApiDeps) => {
  const app = new Hono<StaffEnv>();
  app.use('*', requirePermission('dashboard.read'));

  app.get('/ratings/summary', staffRoute({ tag: 'dashboard', summary: 'Rating summary', query: DashboardQuerySchema }), async (c) => {
    const query = parseQuery(c, DashboardQuerySchema);
    return c.json(await readModels(deps.queries).ratingSummary(scopedFilter(principalOf(c), query)));
  });

  app.get('/ratings/rollup', staffRoute({ tag: 'dashboard', summary: 'Rating rollup by dimension and period', query: RollupQuerySchema }), async (c) => {
    const query = parseQuery(c, RollupQuerySchema);
    const rows = await readModels(deps.queries).ratingRollup({
      filter: scopedFilter(principalOf(c), query),
      ...(query.by ? { by: query.by } : {}),
      ...(query.period ? { period: query.period } : {}),
    });
    return c.json({ rows });
  });

  app.get('/unrated', staffRoute({ tag: 'dashboard', summary: 'Completed cases not rated', query: DashboardQuerySchema }), async (c) => {
    const query = parseQuery(c, DashboardQuerySchema);
    return c.json(await readModels(deps.queries).unratedCases(scopedFilter(principalOf(c), query)));
  });

  app.get('/indicators', staffRoute({ tag: 'dashboard', summary: 'Indicator scores', query: DashboardQuerySchema }), async (c) => {
    const query = parseQuery(c, DashboardQuerySchema);
    return c.json({
      rows: await readModels(deps.queries).indicatorScores(scopedFilter(principalOf(c), query)),
    });
  });

  app.get('/funnel', staffRoute({ tag: 'dashboard', summary: 'Invitation → rating funnel', query: FunnelQuerySchema }), async (c) => {
    const query = parseQuery(c, FunnelQuerySchema);
    return c.json({
      rows: await readModels(deps.queries).responseFunnel({
        filter: scopedFilter(principalOf(c), query),
        by: query.by,
      }),
    });
  });

  app.get('/heatmap', staffRoute({ tag: 'dashboard', summary: 'Weekday × hour heatmap', query: DashboardQuerySchema }), async (c) => {
    const query = parseQuery(c, DashboardQuerySchema);
    return c.json({ rows: await readModels(deps.queries).heatmap(scopedFilter(principalOf(c), query)) });
  });

  app.get('/warnings', staffRoute({
      tag: 'dashboard',
      summary: 'Warning dashboard: 差评回复率 by the whole filter (rated department); the warning rates by day, lead department, matter, hall, window (a window key such as SMZJ/W07 names the window of one hall) and staff member only (other filters do not apply to them)',
      query: DashboardQuerySchema,
    }), async (c) => {
    const query = parseQuery(c, DashboardQuerySchema);
    return c.json(await readModels(deps.queries).warningDashboard(scopedFilter(principalOf(c), query)));
  });

  app.get(
    '/warnings/list',
    staffRoute({ tag: 'dashboard', summary: 'The warnings behind a number of the warning dashboard (every phase, newest first)', query: DashboardWarningsQuerySchema }),
    requirePermission('warning.list'),
    async (c) => {
      const query = parseQuery(c, DashboardWarningsQuerySchema);
      const principal = principalOf(c);
      const filter = scopedFilter(principal, query);
      // The counts by phase are by lead department; a department's own counts are for itself as lead,
      // so a department asking by lead gets its own lead warnings, not those about its service.
      const scope = scopeOf(principal);
      const lead = query.lead === undefined ? undefined : scope.kind === 'department' ? scope.department : query.lead;
      const { department: _rated, ...notRated } = filter;
      const rows = await readModels(deps.queries).dashboardWarnings({
        filter: lead === undefined ? filter : notRated,
        ...(lead ? { leadDepartment: lead } : {}),
        ...(query.phase ? { phase: query.phase } : {}),
        overdueOnly: query.overdue === 'true',
        limit: query.limit,
      });
      // The filter is scoped; checking every row against the warning scope as well keeps a query bug from leaking one.
      return c.json({ items: rows.filter((item) => canSeeWarning(scope, { ...item, subject: item.ratedDepartment ? { department: item.ratedDepartment } : {} })) });
    },
  );

  return app;
};
