import type { DescribeRouteOptions } from 'hono-openapi';
import type * as v from 'valibot';
import { describeRoute, idempotencyKeyHeader, jsonBody, jsonResponse, problems, queryParameters } from '../../core/http/openapi.ts';

/**
 * How the staff API's routes are described in its OpenAPI document (GET /api/staff/openapi.json):
 * every route needs a session (401) and a role the permission matrix allows (403); the shapes are
 * the valibot schemas the handlers validate with.
 */
export interface StaffRouteDoc {
  readonly tag: string;
  readonly summary: string;
  readonly query?: v.GenericSchema;
  readonly body?: v.GenericSchema;
  /** The success answer: a JSON schema or, without one, any JSON object. */
  readonly response?: v.GenericSchema;
  readonly status?: 200 | 201;
  /** Takes an Idempotency-Key header (every change does). */
  readonly idempotent?: boolean;
  /** Problem statuses beyond 401/403 (and 400/413/422 implied by a body, a query or an Idempotency-Key). */
  readonly problems?: number[];
  /** Overrides the success responses (files, no content). */
  readonly responses?: DescribeRouteOptions['responses'];
  /** Open without a session (signing in). */
  readonly public?: boolean;
}

export const staffRoute = (doc: StaffRouteDoc) => {
  const statuses = new Set<number>([...(doc.public ? [] : [401, 403]), ...(doc.problems ?? [])]);
  if (doc.body || doc.idempotent) statuses.add(400);
  if (doc.body || doc.query || doc.idempotent) statuses.add(422); // the key reused for another request
  if (doc.body) statuses.add(413); // a JSON body over 1 MiB (see app.ts)
  return describeRoute({
    tags: [doc.tag],
    summary: doc.summary,
    ...(doc.public ? { security: [] } : {}),
    parameters: [...(doc.query ? queryParameters(doc.query) : []), ...(doc.idempotent ? [idempotencyKeyHeader] : [])],
    ...(doc.body ? { requestBody: jsonBody(doc.body) } : {}),
    responses: {
      ...(doc.responses ?? { [doc.status ?? 200]: jsonResponse(doc.summary, doc.response) }),
      ...problems(...[...statuses].sort()),
    },
  });
};
