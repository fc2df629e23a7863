import { Hono } from 'hono';
import { bodyLimit } from '../../core/http/body-limit.ts';
import * as v from 'valibot';
import { fieldIssuesFromValibot, invalidField, ValidationFailed } from '../../core/http/field-errors.ts';
import { assertStorableText } from '../../core/http/storable-text.ts';
import type { IntakeDeps } from '../deps.ts';
import { intakeDocs } from '../openapi.ts';
import type { CaseEventInput } from './schema.ts';
import type { RecordedCaseEvent } from './record.ts';
import { recordCaseEvent } from './record.ts';
import { caseEventBatchSchema, caseEventSchema } from './schema.ts';
import type { VerifiedCaseSystem } from './signature.ts';
import { maxCaseApiBodyBytes, verifyCaseSystemSignature } from './signature.ts';
import { DomainError } from '../../core/shared/errors.ts';

export interface CaseEventResult extends RecordedCaseEvent {
  readonly index: number;
}

/** Reads the signed body as JSON: the body that was signed is exactly the body that is parsed. */
const parseJson = (body: Uint8Array): unknown => {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
  } catch {
    throw invalidField('body', { 'zh-CN': '请求体不是有效的 JSON', en: 'The body is not valid JSON.' }, 400);
  }
};

/**
 * Single event or `{ events: [...] }`; every problem is reported with its dotted path, nothing is
 * stored. Text the event store cannot keep (a NUL, an unpaired surrogate) is refused first, here,
 * not by Postgres halfway through a batch.
 */
const validateBody = (json: unknown): CaseEventInput[] => {
  assertStorableText(json);
  const isBatch = typeof json === 'object' && json !== null && !Array.isArray(json) && 'events' in json;
  const result = isBatch ? v.safeParse(caseEventBatchSchema, json) : v.safeParse(caseEventSchema, json);
  if (!result.success) throw new ValidationFailed(fieldIssuesFromValibot(result.issues, ''));
  return isBatch ? (result.output as v.InferOutput<typeof caseEventBatchSchema>).events : [result.output as CaseEventInput];
};

/**
 * The case-system API: `POST /api/v1/case-events` with one event or `{ "events": [...] }`, signed
 * (see signature.ts). The whole body is validated before anything is stored; each event is then
 * recorded on its case's stream, idempotent by (case id, sequence). Batches are a transport
 * convenience: events of different cases are independent, and each result says what happened.
 */
export const caseApiRoutes = (deps: IntakeDeps) => {
  const app = new Hono<{ Variables: { caseSystem: VerifiedCaseSystem } }>();
  // The limit is enforced while the body streams in, before the signature check reads it.
  const limit = bodyLimit({
    maxSize: maxCaseApiBodyBytes,
    onError: () => {
      throw new DomainError('PAYLOAD_TOO_LARGE', '请求体过大', { status: 413, details: { en: `The body exceeds ${maxCaseApiBodyBytes} bytes.`, field: 'body' } });
    },
  });
  app.post('/case-events', intakeDocs.caseEvents, limit, verifyCaseSystemSignature(deps), async (c) => {
    const { system, keyId, body } = c.get('caseSystem');
    const inputs = validateBody(parseJson(body));
    const results: CaseEventResult[] = [];
    for (const [index, input] of inputs.entries()) {
      results.push({ index, ...(await recordCaseEvent(deps, system, input, `case-report:${keyId}`)) });
    }
    return c.json({ results });
  });
  return app;
};
