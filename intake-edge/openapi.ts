import { toJsonSchema } from '@valibot/to-json-schema';
import { resolver } from 'hono-openapi';
import * as v from 'valibot';
import { describeRoute, jsonResponse, problems } from '../core/http/openapi.ts';
import { caseEventBatchSchema, caseEventSchema } from './case-api/schema.ts';
import { ratingFormSchema } from './citizen/form.ts';

/**
 * How the intake edge's routes are described in its OpenAPI document (GET /api/openapi.json). The
 * citizen routes answer pages to browsers and JSON / problem+json to clients that ask for JSON.
 */

const html = { 'text/html': { schema: { type: 'string' as const } } };
const svg = { 'image/svg+xml': { schema: { type: 'string' as const } } };

/** A page for browsers, or problem+json for a client whose Accept asks for JSON. */
export const pageOrProblem = (...statuses: number[]) =>
  Object.fromEntries(
    Object.entries(problems(...statuses)).map(([status, response]) => [
      status,
      { ...response, content: { ...('content' in response ? response.content : {}), ...html } },
    ]),
  );

/** The signed case-system requests (see case-api/signature.ts). */
const signedHeaders = (['x-pinggai-key-id', 'x-pinggai-timestamp', 'x-pinggai-nonce', 'x-pinggai-signature'] as const).map((name) => ({
  name,
  in: 'header' as const,
  required: true,
  schema: { type: 'string' as const },
}));

const CaseEventResultsSchema = v.object({
  results: v.array(
    v.object({
      index: v.number(),
      caseId: v.string(),
      sequence: v.number(),
      outcome: v.picklist(['recorded', 'duplicate', 'stale', 'no_change']),
      events: v.number(),
    }),
  ),
});

/**
 * The rating form as posted: the schema's `answers` record travels flattened as `answers.<CODE>`
 * fields, so the form's description is the schema's with that one property spread out.
 */
const ratingFormBodySchema = () => {
  const json = toJsonSchema(ratingFormSchema, { errorMode: 'ignore', typeMode: 'input' }) as {
    properties: Record<string, { propertyNames?: unknown; additionalProperties?: unknown }>;
    required?: string[];
  };
  const { answers, ...properties } = json.properties;
  return {
    type: 'object' as const,
    properties: { ...properties, attachments: { type: 'array', items: { type: 'string', format: 'binary' } } },
    patternProperties: { '^answers\\.[A-Z]{1,4}\\d{2,3}$': answers?.additionalProperties ?? { type: 'string' } },
    required: (json.required ?? []).filter((name) => name !== 'answers'),
  } as never;
};

export const intakeDocs = {
  healthz: describeRoute({ tags: ['health'], summary: 'Liveness', responses: { 200: jsonResponse('Up', v.object({ ok: v.boolean() })) } }),
  caseEvents: describeRoute({
    tags: ['case system'],
    summary: '办件事件 One case event or { events: [...] }, signed (HMAC)',
    description:
      'Each nonce is accepted once (401 CASE_API_REPLAYED after). A request answered 5xx may be sent again exactly as it was signed while its timestamp is fresh: every event is idempotent by case id and sequence.',
    security: [{ caseSystemSignature: [] }],
    parameters: signedHeaders,
    requestBody: { required: true, content: { 'application/json': { schema: resolver(v.union([caseEventSchema, caseEventBatchSchema])) } } },
    responses: { 200: jsonResponse('What happened to each event', CaseEventResultsSchema), ...problems(400, 401, 413, 422) },
  }),
  invitationQr: describeRoute({
    tags: ['case system'],
    summary: 'The QR of a completed case’s invitation (for a window screen), signed (HMAC)',
    security: [{ caseSystemSignature: [] }],
    parameters: signedHeaders,
    responses: { 200: { description: 'SVG', content: svg }, ...problems(401, 404, 422) },
  }),
  qrSheet: describeRoute({
    tags: ['QR'],
    summary: 'Printable sheet of a hall’s static window codes',
    responses: { 200: { description: 'SVG page', content: svg }, ...problems(422) },
  }),
  questionnaire: describeRoute({
    tags: ['citizen'],
    summary: '评价页 The questionnaire behind an invitation link',
    parameters: [
      { name: 'via', in: 'query', required: false, schema: { type: 'string' } },
      { name: 'lang', in: 'query', required: false, schema: { type: 'string' } },
    ],
    responses: { 200: { description: 'The page', content: html }, 404: { description: 'Invalid link', content: html }, 409: { description: 'Already rated', content: html }, 410: { description: 'Expired', content: html } },
  }),
  submitRating: describeRoute({
    tags: ['citizen'],
    summary: '提交评价 Record a rating (form post; JSON answer when asked for)',
    requestBody: {
      required: true,
      content: { 'multipart/form-data': { schema: ratingFormBodySchema() }, 'application/x-www-form-urlencoded': { schema: ratingFormBodySchema() } },
    },
    responses: {
      200: { description: 'Thank-you page', content: html },
      201: jsonResponse('Recorded', v.object({ invitationId: v.string(), recorded: v.literal(true), negative: v.boolean() })),
      ...pageOrProblem(400, 404, 409, 410, 413, 422),
    },
  }),
  staticQrPage: describeRoute({
    tags: ['QR'],
    summary: '扫码评价 A window’s static QR: choose the matter',
    responses: { 200: { description: 'The page', content: html }, 404: { description: 'No such window', content: html } },
  }),
};
