import { Hono } from 'hono';
import type { StaffApiDeps } from '../deps.ts';
import type { StaffEnv } from '../env.ts';
import { principalOf, requirePermission } from '../middleware/session.ts';
import { LangOnlyQuerySchema, PageQuerySchema, parseQuery } from '../query-schemas.ts';
import { ratingScopeOf, readModels } from '../rating-scope.ts';
import { staffRoute } from '../openapi.ts';

/** GET /sms-outbox (development outbox, administrators; phones masked), newest first. */
export const smsOutboxRoutes = (deps: StaffApiDeps) => {
  const app = new Hono<StaffEnv>();
  app.get('/', staffRoute({ tag: 'admin', summary: 'SMS outbox (development), phones masked', query: PageQuerySchema }), requirePermission('sms.outbox'), async (c) => {
    const { limit, offset } = parseQuery(c, PageQuerySchema);
    return c.json({ rows: await readModels(deps.queries).smsOutbox({ limit, offset }) });
  });
  return app;
};

/** GET /departments: codes and names the read models know; a department role gets its own only. */
export const departmentRoutes = (deps: StaffApiDeps) => {
  const app = new Hono<StaffEnv>();
  app.get('/', staffRoute({ tag: 'admin', summary: 'Departments the caller may see', query: LangOnlyQuerySchema }), requirePermission('department.list'), async (c) => {
    parseQuery(c, LangOnlyQuerySchema);
    const principal = principalOf(c);
    const scope = ratingScopeOf(principal);
    const rows = await readModels(deps.queries).departments();
    return c.json({
      rows: scope.kind === 'district' ? rows : rows.filter((row) => row.code === principal.department),
    });
  });
  return app;
};
