import * as v from 'valibot';
import { PASSWORD_MAX_LENGTH } from '../../core/access/passwords.ts';
import { maskFreeText } from '../../core/pii/mask.ts';
import { routingTableSchema, warningRulesSchema } from '../../core/warning-policy/config.ts';
import { instantSchema } from '../../core/shared/instant.ts';

/**
 * Request bodies of the staff API. Text limits keep one request from filling the event store; free
 * text is masked (脱敏) before it becomes part of an event, as a citizen's comment is: a reply or a
 * call-back note that quotes the citizen's phone or ID number keeps it masked.
 */
const text = (max: number) => v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(max), v.transform(maskFreeText));
const optionalText = (max: number) => v.optional(v.pipe(v.string(), v.trim(), v.maxLength(max), v.transform(maskFreeText)));
const departmentCode = v.pipe(v.string(), v.trim(), v.regex(/^[A-Za-z0-9_-]{1,32}$/));
const blobKey = v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/, 'a blob key is 64 lower-case hex characters'));
const instant = instantSchema();
/** A call-back's notes: optional, masked like the rest. */
const callbackNotes = v.optional(v.pipe(v.string(), v.trim(), v.maxLength(2000), v.transform(maskFreeText)), '');
const evidenceRef = v.strictObject({ blobKey });

export const SignInSchema = v.strictObject({
  username: v.pipe(v.string(), v.minLength(1), v.maxLength(64)),
  password: v.pipe(v.string(), v.minLength(1), v.maxLength(PASSWORD_MAX_LENGTH)),
});

export const ChangePasswordSchema = v.strictObject({
  currentPassword: v.pipe(v.string(), v.minLength(1), v.maxLength(PASSWORD_MAX_LENGTH)),
  newPassword: v.pipe(v.string(), v.maxLength(PASSWORD_MAX_LENGTH)),
});

/** 派单: confirm the routed lead department, or route elsewhere. */
export const DispatchSchema = v.strictObject({
  leadDepartment: v.optional(departmentCode),
  cooperatingDepartments: v.optional(v.pipe(v.array(departmentCode), v.maxLength(20))),
  note: optionalText(1000),
});

/** 处置答复 with evidence already uploaded through POST /blobs. */
export const ReplySchema = v.strictObject({
  text: text(5000),
  evidence: v.optional(v.pipe(v.array(evidenceRef), v.maxLength(20)), []),
});

export const CollaborationSchema = v.strictObject({
  departments: v.pipe(v.array(departmentCode), v.minLength(1), v.maxLength(20)),
  note: text(2000),
});

export const EvidenceSchema = v.strictObject({ blobKey, description: optionalText(1000) });

export const StatusSchema = v.strictObject({ note: text(2000) });

export const PhoneCallbackSchema = v.strictObject({
  calledAt: instant,
  satisfied: v.boolean(),
  notes: callbackNotes,
});

export const OnSiteCheckSchema = v.strictObject({
  checkedAt: instant,
  satisfied: v.boolean(),
  notes: callbackNotes,
  photoBlobKey: blobKey,
});

export const AppealSchema = v.strictObject({
  reason: text(5000),
  evidence: v.pipe(v.array(evidenceRef), v.minLength(1), v.maxLength(20)),
});

export const AppealReviewSchema = v.strictObject({
  decision: v.picklist(['upheld', 'rejected']),
  reason: text(5000),
});

export const InboxQuerySchema = v.strictObject({
  overdue: v.optional(v.picklist(['true', 'false']), 'false'),
  limit: v.optional(
    v.pipe(v.string(), v.regex(/^\d{1,3}$/), v.transform(Number), v.minValue(1), v.maxValue(500)),
    '100',
  ),
  lang: v.optional(v.string()),
});

/** PUT /config/warning-policy/routing: the whole new routing table (路由表) and why it changes. */
export const PublishRoutingSchema = v.strictObject({ table: routingTableSchema, reason: text(1000) });

/** PUT /config/warning-policy/rules: the whole new warning rules (预警规则) and why they change. */
export const PublishRulesSchema = v.strictObject({ rules: warningRulesSchema, reason: text(1000) });
