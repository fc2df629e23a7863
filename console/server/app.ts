import { Hono } from 'hono';
import { bodyLimit } from '../../core/http/body-limit.ts';
import { problemJson, problemNotFound } from '../../core/http/hono.ts';
import { DomainError } from '../../core/shared/errors.ts';
import { apiDocs } from '../../core/http/openapi.ts';
import type { StaffApiDeps } from './deps.ts';
import type { StaffEnv } from './env.ts';
import { csrfProtection } from './middleware/csrf.ts';
import { staffSession } from './middleware/session.ts';
import { accountRoutes } from './routes/accounts.ts';
import { auditRoutes } from './routes/audit.ts';
import { piiRevealRoutes } from './routes/pii-reveal.ts';
import { departmentRoutes, smsOutboxRoutes } from './routes/admin.ts';
import { blobRoutes } from './routes/blobs.ts';
import { configRoutes } from './routes/config.ts';
import { dashboardRoutes } from './routes/dashboard.ts';
import { ratingRoutes } from './routes/ratings.ts';
import { bulletinRoutes } from './routes/bulletins.ts';
import { scorecardRoutes } from './routes/scorecards.ts';
import { sessionRoutes } from './routes/session.ts';
import { warningActionRoutes } from './routes/warning-actions.ts';
import { warningReadRoutes } from './routes/warnings.ts';

export const staffApiBase = '/api/staff';
const MAX_JSON_BODY_BYTES = 1024 * 1024;

/**
 * The staff API (工作人员接口) under /api/staff: sessions, the warning inbox and the warning actions,
 * evidence uploads and downloads, the dashboards and rating lists (scoped to the caller's department),
 * configuration (read; warning policy published with a reason), the SMS outbox and departments. Every dependency comes in; mount it with `app.route('/', createStaffApi(deps))`.
 *
 * @example
 *   const api = createStaffApi({ access, store, clock, blobs, queries });
 *   const res = await api.request('/api/staff/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
 */
export const createStaffApi = (deps: StaffApiDeps): Hono<StaffEnv> => {
  const app = new Hono<StaffEnv>().basePath(staffApiBase);
  app.onError(
    problemJson({
      onBug: (error, where) =>
        deps.log?.(
          `[staff-api] ${where.method} ${where.path}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
        ),
    }),
  );
  app.notFound(problemNotFound());
  app.use('*', async (c, next) => {
    await next();
    // Answers carry officials' and citizens' business: never cached by browsers or proxies.
    c.header('cache-control', 'no-store');
  });
  // A JSON body is at most 1 MiB (a whole routing table is a few kB), read before anything else, the
  // sign-in included; evidence uploads under /blobs have their own, larger limit.
  const jsonLimit = bodyLimit({
    maxSize: MAX_JSON_BODY_BYTES,
    onError: () => {
      throw new DomainError('BODY_TOO_LARGE', '提交内容过大', { status: 413, details: { en: 'The request body is too large.', field: 'body' } });
    },
  });
  app.use('*', (c, next) => (c.req.path.startsWith(`${staffApiBase}/blobs`) ? next() : jsonLimit(c, next)));
  app.use('*', staffSession(deps));
  app.use('*', csrfProtection(deps, { signInPath: `${staffApiBase}/session` }));
  app.route('/session', sessionRoutes(deps));
  app.route('/warnings', warningReadRoutes(deps));
  app.route('/warnings', warningActionRoutes(deps));
  app.route('/warnings', piiRevealRoutes(deps));
  app.route('/blobs', blobRoutes(deps));
  app.route('/accounts', accountRoutes(deps));
  app.route('/dashboard', dashboardRoutes(deps));
  app.route('/ratings', ratingRoutes(deps));
  app.route('/config', configRoutes(deps));
  app.route('/sms-outbox', smsOutboxRoutes(deps));
  app.route('/departments', departmentRoutes(deps));
  app.route('/bulletins', bulletinRoutes(deps));
  app.route('/audit', auditRoutes(deps));
  app.route('/scorecards', scorecardRoutes(deps));
  // GET /api/staff/openapi.json (generated from the routes' valibot schemas) and /api/staff/docs.
  apiDocs(app, {
    title: 'PingGai staff API 工作人员接口',
    description: 'Session cookie from POST /session; every unsafe method also sends the CSRF token as X-CSRF-Token. Errors are application/problem+json naming the field.',
    specPath: '/openapi.json',
    docsPath: '/docs',
    mountedAt: staffApiBase,
    securitySchemes: {
      session: { type: 'apiKey', in: 'cookie', name: 'pinggai_staff' },
      csrf: { type: 'apiKey', in: 'header', name: 'x-csrf-token' },
    },
    security: [{ session: [], csrf: [] }],
  });
  return app;
};
