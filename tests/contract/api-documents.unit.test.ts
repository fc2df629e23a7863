import { compileErrors, validate } from '@readme/openapi-parser';
import type { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { createStaffApi } from '../../console/server/app.ts';
import { createIntakeApp } from '../../intake-edge/app.ts';
import type { IntakeServices } from '../../intake-edge/app.ts';

/**
 * The OpenAPI documents the intake edge and the staff API serve: valid OpenAPI 3.1, describing every
 * route the apps register (a route without describeRoute would be missing from the document and so
 * from the contract run), with a documentation page whose assets are served locally.
 */

// Building the document touches no dependency: only what the apps read while registering routes.
const intake = createIntakeApp({
  tokens: {},
  questionnaires: {},
  config: { uploads: { maxFiles: 3, maxBytesPerFile: 1024 }, linkTokens: { active: 'a', keys: { a: 'contract-test-link-token-secret-0123456789' } } },
} as unknown as IntakeServices);
const staff = createStaffApi({} as never);

type App = Pick<Hono, 'request' | 'routes'>;

const apis: { name: string; app: App; spec: string; docs: string }[] = [
  { name: 'intake', app: intake, spec: '/api/openapi.json', docs: '/api/docs' },
  { name: 'staff', app: staff, spec: '/api/staff/openapi.json', docs: '/api/staff/docs' },
];

type Document = { openapi: string; paths: Record<string, Record<string, unknown>> };

const documentOf = async (app: App, path: string): Promise<Document> => {
  const response = await app.request(path);
  expect(response.status).toBe(200);
  return (await response.json()) as Document;
};

describe.each(apis)('the $name API document', ({ app, spec, docs }) => {
  it('is valid OpenAPI 3.1', async () => {
    const document = await documentOf(app, spec);
    expect(document.openapi).toBe('3.1.0');
    const result = await validate(structuredClone(document) as never);
    expect(result.valid, result.valid ? '' : compileErrors(result)).toBe(true);
  });

  it('describes every route the app registers', async () => {
    const document = await documentOf(app, spec);
    const registered = app.routes
      .filter((route) => route.method !== 'ALL' && !route.path.startsWith(docs) && route.path !== spec)
      .map((route) => `${route.method.toLowerCase()} ${route.path.replace(/:([A-Za-z0-9_]+)(\{[^}]*\})?/g, '{$1}')}`);
    const described = Object.entries(document.paths).flatMap(([path, item]) => Object.keys(item).filter((key) => key !== 'parameters').map((method) => `${method} ${path}`));
    expect(registered.length).toBeGreaterThan(3);
    expect([...new Set(registered)].sort()).toEqual([...new Set(described)].sort());
  });

  it('documents problem+json answers with the problem schema', async () => {
    const document = await documentOf(app, spec);
    const problemSchemas = Object.values(document.paths)
      .flatMap((item) => Object.values(item) as { responses?: Record<string, { content?: Record<string, { schema?: { required?: string[] } }> }> }[])
      .flatMap((operation) => Object.values(operation.responses ?? {}))
      .map((response) => response.content?.['application/problem+json']?.schema)
      .filter((schema) => schema !== undefined);
    expect(problemSchemas.length).toBeGreaterThan(3);
    for (const schema of problemSchemas) expect(schema.required).toEqual(expect.arrayContaining(['type', 'title', 'status', 'detail', 'code']));
  });

  it('serves a documentation page with its assets from this server (no CDN)', async () => {
    const page = await app.request(docs);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(spec);
    const sources = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]!);
    expect(sources.length).toBe(3);
    for (const source of sources) {
      expect(source.startsWith(`${docs}/assets/`)).toBe(true);
      const asset = await app.request(source);
      expect(asset.status).toBe(200);
      expect((await asset.arrayBuffer()).byteLength).toBeGreaterThan(100);
    }
  });
});
