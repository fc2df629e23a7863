import * as v from 'valibot';
import { ChinaMobileSchema } from '../core/pii/phone.ts';
import type { StaffRecipient, WarningRecipients } from './activities.ts';

/**
 * A staff directory as configured: `audience` or `audience@DEPARTMENT` → the staff accounts who get
 * those alerts, each with the mobile the SMS goes to.
 *
 * @example
 *   { "dispatchers": [{ "id": "dispatcher", "phone": "13900000001" }], "department_handlers@SCJ": [{ "id": "handler-scj", "phone": "13900000002" }] }
 */
export const StaffDirectorySchema = v.record(
  v.pipe(v.string(), v.regex(/^[a-z][a-z_]{0,40}(?:@[A-Za-z0-9_-]{1,32})?$/, 'an audience (dispatchers, department_handlers, …), or audience@DEPARTMENT')),
  v.pipe(
    v.array(v.strictObject({ id: v.pipe(v.string(), v.regex(/^[a-z0-9][a-z0-9._:-]{1,63}$/, 'a staff account id')), phone: ChinaMobileSchema })),
    v.minLength(1, 'at least one recipient'),
  ),
);
export type StaffDirectory = v.InferOutput<typeof StaffDirectorySchema>;

/**
 * A staff directory from configuration: `audience` or `audience@department` → accounts with phones
 * (the more specific key wins). The citizen's phone comes from a resolver over the PII vault.
 *
 * @example
 *   createDirectoryRecipients({ staff: { dispatchers: [{ id: 'u1', phone: '138…' }] }, citizenPhone: (ref) => vaultLookup(ref) })
 */
export const createDirectoryRecipients = (config: {
  readonly staff: Readonly<Record<string, readonly StaffRecipient[]>>;
  readonly citizenPhone: (contactRef: string) => Promise<string | null>;
}): WarningRecipients => ({
  staff: async (audience, department) =>
    (department !== null ? config.staff[`${audience}@${department}`] : undefined) ?? config.staff[audience] ?? [],
  citizenPhone: config.citizenPhone,
});
