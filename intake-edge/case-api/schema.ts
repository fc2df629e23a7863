import * as v from 'valibot';
import { applicantTypes, caseStages } from '../../core/case/types.ts';
import { ChinaMobileSchema } from '../../core/pii/phone.ts';
import { instantSchema } from '../../core/shared/instant.ts';

const text = (max: number) => v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(max));
const code = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, _ . - (1–64)'));
const codeName = v.object({ code, name: text(100) });
const slug = v.pipe(v.string(), v.regex(/^[a-z0-9_]{1,40}$/, 'lower-case letters, digits and _ (1–40)'));
const timestamp = instantSchema();

/** The case as the case system describes it; sent with every event (see the case decider). */
export const caseDetailsSchema = v.object({
  matter: v.object({ code, name: text(200), type: slug }),
  department: codeName,
  hall: codeName,
  window: codeName,
  staff: v.object({ id: code, name: text(50) }),
  applicantType: v.picklist(applicantTypes.filter((type) => type !== 'unknown') as Exclude<(typeof applicantTypes)[number], 'unknown'>[]),
  enterpriseType: v.optional(v.nullable(slug), null),
  regionCode: v.pipe(v.string(), v.regex(/^\d{6}(\d{6})?$/, '行政区划代码: 6 or 12 digits')),
  /** Mainland mobile number of the applicant; sealed before anything is stored. */
  applicantPhone: v.optional(v.nullable(ChinaMobileSchema), null),
});

const common = {
  caseId: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'the case system’s case number: letters, digits, _ . : - (1–64)')),
  sequence: v.pipe(v.number(), v.safeInteger(), v.minValue(1), v.maxValue(2_147_483_647)),
  occurredAt: timestamp,
  case: caseDetailsSchema,
};

/** One case event: registered / stage_changed (受理 / 办理中 / 办结) / completed / overdue (办件超时). */
export const caseEventSchema = v.variant('type', [
  v.object({ type: v.literal('registered'), ...common, stage: v.optional(v.picklist(caseStages), 'accepted') }),
  v.object({ type: v.literal('stage_changed'), ...common, stage: v.picklist(caseStages) }),
  v.object({ type: v.literal('completed'), ...common, result: v.optional(v.picklist(['approved', 'rejected', 'other']), 'approved') }),
  v.object({ type: v.literal('overdue'), ...common, dueAt: timestamp }),
]);

export const caseEventBatchSchema = v.object({ events: v.pipe(v.array(caseEventSchema), v.minLength(1), v.maxLength(500)) });

export type CaseEventInput = v.InferOutput<typeof caseEventSchema>;
