import { Hono } from 'hono';
import { problemJson, problemNotFound } from '../core/http/hono.ts';
import { apiDocs } from '../core/http/openapi.ts';
import { createLinkTokens } from '../core/invitation/token.ts';
import { caseApiRoutes } from './case-api/routes.ts';
import { citizenRoutes } from './citizen/routes.ts';
import type { IntakeDeps } from './deps.ts';
import { intakeDocs } from './openapi.ts';
import { qrRoutes } from './qr-routes.ts';
import { questionnaireSource } from './questionnaires.ts';
import { staticQrRoutes } from './static-qr/routes.ts';

/** What the app, the invitation reactor and the sweeper share: link signing and questionnaire versions. */
export const intakeServices = (deps: IntakeDeps) => ({
  ...deps,
  tokens: createLinkTokens(deps.config.linkTokens),
  questionnaires: questionnaireSource(deps.store, deps.clock),
});

export type IntakeServices = ReturnType<typeof intakeServices>;

/**
 * The intake edge as one Hono app (Web-standard Request/Response, WebCrypto): the case-system API,
 * the citizen questionnaire, static QR entry. Served by node.ts and deno.ts alike.
 *
 * @example
 *   const app = createIntakeApp({ store, db, vault, sms, blobs, clock, ids, config });
 *   const res = await app.request('/e/abc');
 */
export const createIntakeApp = (deps: IntakeDeps | IntakeServices): Hono => {
  const services = 'tokens' in deps ? deps : intakeServices(deps);
  const app = new Hono();
  app.onError(problemJson({ onBug: (error, where) => deps.log?.(`[intake] ${where.method} ${where.path}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`) }));
  app.notFound(problemNotFound());
  app.get('/healthz', intakeDocs.healthz, (c) => c.json({ ok: true }));
  app.route('/api/v1', caseApiRoutes(services));
  app.route('/', qrRoutes(services));
  app.route('/', citizenRoutes(services));
  app.route('/', staticQrRoutes(services));
  // GET /api/openapi.json (generated from the routes' valibot schemas) and /api/docs.
  apiDocs(app, {
    title: 'PingGai intake 评价接入接口',
    description:
      'The case-system API (signed: see intake-edge/case-api/signature.ts), the citizen questionnaire and the QR entries. Errors are application/problem+json naming the field (pages for browsers).',
    specPath: '/api/openapi.json',
    docsPath: '/api/docs',
    securitySchemes: { caseSystemSignature: { type: 'apiKey', in: 'header', name: 'x-pinggai-signature', description: 'HMAC-SHA256 over the request; see signature.ts' } },
  });
  return app;
};
