import { readFile } from 'node:fs/promises';
import { toJsonSchema } from '@valibot/to-json-schema';
import type { Env, Hono } from 'hono';
import { describeRoute, openAPIRouteHandler, resolver } from 'hono-openapi';
import type { DescribeRouteOptions } from 'hono-openapi';
import * as v from 'valibot';
import { problemContentType } from './problem.ts';

/**
 * OpenAPI 3.1 for the HTTP APIs, generated from the valibot schemas the handlers validate with
 * (hono-openapi + @valibot/to-json-schema): routes are described next to their handlers with
 * `describeRoute(...)`, and `apiDocs` serves `openapi.json` and a documentation page (Swagger UI,
 * served from node_modules: intranets have no CDN).
 */

/** RFC 9457 problem+json as core/http/problem.ts writes it. */
export const ProblemSchema = v.object({
  type: v.string(),
  title: v.string(),
  status: v.pipe(v.number(), v.integer(), v.minValue(400), v.maxValue(599)),
  detail: v.string(),
  code: v.string(),
  instance: v.optional(v.string()),
  errors: v.optional(v.array(v.object({ field: v.string(), message: v.string() }))),
});

const statusText: Record<number, string> = {
  400: 'Unreadable request (names the field)',
  401: 'Not signed in',
  403: 'The role may not do this',
  404: 'Not found',
  409: 'Conflicts with the current state',
  410: 'Gone',
  413: 'Body too large',
  415: 'Unsupported media type',
  422: 'Validation failed (every field by its dotted path)',
  429: 'Too many requests',
  503: 'Not available here',
};

type Responses = NonNullable<DescribeRouteOptions['responses']>;

/** The problem+json answers a route may give, e.g. `problems(401, 403, 422)`. */
export const problems = (...statuses: number[]): Responses =>
  Object.fromEntries(
    statuses.map((status) => [
      status,
      { description: statusText[status] ?? 'Problem', content: { [problemContentType.split(';')[0]!]: { schema: resolver(ProblemSchema) } } },
    ]),
  );

/** A JSON answer; without a schema, any JSON object. */
export const jsonResponse = (description: string, schema?: v.GenericSchema): Responses[string] => ({
  description,
  content: { 'application/json': { schema: schema ? resolver(schema) : { type: 'object' } } },
});

/** A JSON request body validated by `schema`. */
export const jsonBody = (schema: v.GenericSchema): NonNullable<DescribeRouteOptions['requestBody']> => ({
  required: true,
  content: { 'application/json': { schema: resolver(schema) } },
});

/** Query parameters from the valibot object schema the handler parses the query with. */
export const queryParameters = (schema: v.GenericSchema): NonNullable<DescribeRouteOptions['parameters']> => {
  const json = toJsonSchema(schema, { errorMode: 'ignore', typeMode: 'input' }) as {
    properties?: Record<string, Record<string, unknown>>;
    required?: string[];
  };
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name,
    in: 'query' as const,
    required: json.required?.includes(name) ?? false,
    schema: property,
  }));
};

/** A header parameter, e.g. the `Idempotency-Key` every change takes. */
export const idempotencyKeyHeader = {
  name: 'idempotency-key',
  in: 'header' as const,
  required: true,
  description:
    'The same key from the same account is the same command: a retry acts once. Sent again on the same warning, account or period with a different request (another action or body), it is refused with 422 IDEMPOTENCY_KEY_REUSED; use a fresh key for every new action.',
  schema: { type: 'string' as const, pattern: '^[A-Za-z0-9_.:-]{8,128}$' },
};

export { describeRoute };

const assetUrl = (file: string): URL => new URL(import.meta.resolve(`swagger-ui-dist/${file}`));

const docsPage = (title: string, specUrl: string, assetBase: string) => `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>${title}</title>
<link rel="stylesheet" href="${assetBase}/swagger-ui.css"></head>
<body><div id="docs" data-spec="${specUrl}"></div>
<script src="${assetBase}/swagger-ui-bundle.js"></script><script src="${assetBase}/init.js"></script></body></html>`;

const initScript = `window.ui = SwaggerUIBundle({ url: document.getElementById('docs').dataset.spec, dom_id: '#docs', deepLinking: true });`;

export interface ApiDocsOptions {
  readonly title: string;
  readonly description: string;
  readonly version?: string;
  /** Where the document is served, relative to the app (e.g. `/openapi.json`). */
  readonly specPath: string;
  /** Where the page is served (e.g. `/docs`); its assets live under `<docsPath>/assets`. */
  readonly docsPath: string;
  /** The public URL prefix of the app (a basePath), for links in the page. */
  readonly mountedAt?: string;
  readonly securitySchemes?: Record<string, Record<string, unknown>>;
  readonly security?: Record<string, string[]>[];
  readonly tags?: { name: string; description: string }[];
}

/**
 * Serves the generated OpenAPI 3.1 document and its documentation page on `app`. Register it after
 * the routes or before: the document is built from the app's routes when first asked for.
 *
 * @example
 *   apiDocs(app, { title: 'Staff API', description: '…', specPath: '/openapi.json', docsPath: '/docs' });
 */
export const apiDocs = <E extends Env>(app: Hono<E>, options: ApiDocsOptions): void => {
  const prefix = options.mountedAt ?? '';
  app.get(
    options.specPath,
    openAPIRouteHandler(app, {
      documentation: {
        openapi: '3.1.0',
        info: { title: options.title, description: options.description, version: options.version ?? '1' },
        ...(options.tags ? { tags: options.tags } : {}),
        ...(options.securitySchemes ? { components: { securitySchemes: options.securitySchemes as never } } : {}),
        ...(options.security ? { security: options.security } : {}),
      },
      exclude: [`${prefix}${options.specPath}`, new RegExp(`^${prefix}${options.docsPath}`)],
      defaultValidationErrorResponse: false,
    }),
  );
  app.get(options.docsPath, (c) => c.html(docsPage(options.title, `${prefix}${options.specPath}`, `${prefix}${options.docsPath}/assets`)));
  const assets: Record<string, [string, string]> = {
    'swagger-ui.css': ['swagger-ui.css', 'text/css; charset=utf-8'],
    'swagger-ui-bundle.js': ['swagger-ui-bundle.js', 'text/javascript; charset=utf-8'],
  };
  app.get(`${options.docsPath}/assets/:file`, async (c) => {
    const file = c.req.param('file');
    if (file === 'init.js') return c.body(initScript, 200, { 'content-type': 'text/javascript; charset=utf-8' });
    if (!Object.hasOwn(assets, file)) return c.notFound();
    const asset = assets[file]!;
    return c.body(await readFile(assetUrl(asset[0])), 200, { 'content-type': asset[1], 'cache-control': 'public, max-age=86400' });
  });
};
