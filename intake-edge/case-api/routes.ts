import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import * as v from 'valibot';
import type { CaseCommand, CaseReportOutcome } from '../../core/case/decider.ts';
import { caseDecider, classifyCaseReport } from '../../core/case/decider.ts';
import type { CaseDetails, SealedPhone } from '../../core/case/types.ts';
import { caseIdOf, caseStreamId } from '../../core/case/types.ts';
import { handleCommand } from '../../core/decider/command-handler.ts';
import { fieldIssuesFromValibot, invalidField, ValidationFailed } from '../../core/http/field-errors.ts';
import { maskPhone } from '../../core/pii/mask.ts';
import type { IntakeDeps } from '../deps.ts';
import { intakeDocs } from '../openapi.ts';
import type { CaseEventInput } from './schema.ts';
import { caseEventBatchSchema, caseEventSchema } from './schema.ts';
import type { VerifiedCaseSystem } from './signature.ts';
import { maxCaseApiBodyBytes, verifyCaseSystemSignature } from './signature.ts';
import { DomainError } from '../../core/shared/errors.ts';

export interface CaseEventResult {
  readonly index: number;
  readonly caseId: string;
  readonly sequence: number;
  /** recorded | duplicate (this sequence is in) | stale (older than what is recorded: ignored) | no_change. */
  readonly outcome: CaseReportOutcome | 'recorded';
  readonly events: number;
}

/** Reads the signed body as JSON: the body that was signed is exactly the body that is parsed. */
const parseJson = (body: Uint8Array): unknown => {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
  } catch {
    throw invalidField('body', { 'zh-CN': '请求体不是有效的 JSON', en: 'The body is not valid JSON.' }, 400);
  }
};

/** Single event or `{ events: [...] }`; every problem is reported with its dotted path, nothing is stored. */
const validateBody = (json: unknown): CaseEventInput[] => {
  const isBatch = typeof json === 'object' && json !== null && !Array.isArray(json) && 'events' in json;
  const result = isBatch ? v.safeParse(caseEventBatchSchema, json) : v.safeParse(caseEventSchema, json);
  if (!result.success) throw new ValidationFailed(fieldIssuesFromValibot(result.issues, ''));
  return isBatch ? (result.output as v.InferOutput<typeof caseEventBatchSchema>).events : [result.output as CaseEventInput];
};

const sealPhone = async (deps: Pick<IntakeDeps, 'vault'>, phone: string | null): Promise<SealedPhone | null> =>
  phone === null ? null : { sealed: await deps.vault.seal(phone, 'phone'), masked: maskPhone(phone), blindIndex: await deps.vault.blindIndex(phone, 'phone') };

const toCommand = async (deps: Pick<IntakeDeps, 'vault'>, system: string, input: CaseEventInput): Promise<CaseCommand> => {
  const details: CaseDetails = {
    matter: input.case.matter,
    department: input.case.department,
    hall: input.case.hall,
    window: input.case.window,
    staff: { id: input.case.staff.id, displayName: input.case.staff.name },
    applicantType: input.case.applicantType,
    enterpriseType: input.case.enterpriseType,
    regionCode: input.case.regionCode,
    applicantPhone: await sealPhone(deps, input.case.applicantPhone),
  };
  const base = { system, externalCaseId: input.caseId, sequence: input.sequence, occurredAt: input.occurredAt, details };
  switch (input.type) {
    case 'registered':
      return { type: 'RecordCaseRegistered', ...base, stage: input.stage };
    case 'stage_changed':
      return { type: 'RecordCaseStageChanged', ...base, stage: input.stage };
    case 'completed':
      return { type: 'RecordCaseCompleted', ...base, result: input.result };
    case 'overdue':
      return { type: 'RecordCaseOverdue', ...base, dueAt: input.dueAt };
  }
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
      const command = await toCommand(deps, system, input);
      const ref = { system, externalCaseId: input.caseId };
      const result = await handleCommand(deps.store, caseStreamId(ref), caseDecider, command, {
        commandId: `case-report:${caseIdOf(ref)}:${input.sequence}`,
        actor: { id: `case-system:${system}`, role: 'case_system' },
        now: deps.clock.now(),
        correlationId: `case-report:${keyId}`,
      });
      const outcome = result.appended.length > 0 ? 'recorded' : result.alreadyHandled ? 'duplicate' : classifyCaseReport(command, result.state);
      results.push({ index, caseId: input.caseId, sequence: input.sequence, outcome, events: result.appended.length });
    }
    return c.json({ results });
  });
  return app;
};
