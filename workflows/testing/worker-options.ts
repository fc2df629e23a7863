/** What the parent (crash test, benchmark) and the worker process agree on. */
import * as v from 'valibot';
import type { StaffRecipient } from '../activities.ts';
import type { LifecycleConfig } from '../config.ts';

const ms = v.pipe(v.number(), v.integer(), v.minValue(0));
const days = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(60));
const escalations = v.array(
  v.object({ level: v.pipe(v.number(), v.integer(), v.minValue(1)), afterDueMs: ms, audiences: v.array(v.pipe(v.string(), v.minLength(1))) }),
);

/** The lifecycle's clocks as JSON handed to the worker process (checked: it is outside input there). */
export const lifecycleConfigSchema = v.object({
  dispatchEscalations: escalations,
  replyWorkingDays: days,
  replyReminderWorkingDaysBefore: days,
  replyEscalations: escalations,
  phoneCallbackWorkingDays: days,
  onSiteCheckWorkingDays: days,
  callbackReminderWorkingDaysBefore: days,
  callbackEscalations: escalations,
  continueAsNewAfterEvents: v.pipe(v.number(), v.integer(), v.minValue(20)),
}) satisfies v.GenericSchema<unknown, LifecycleConfig>;

const one = (id: string, phone: string): readonly StaffRecipient[] => [{ id, phone }];

/** One account per audience (test numbers); account ids go into SMS idempotency keys, phones never. */
export const processStaffDirectory: Readonly<Record<string, readonly StaffRecipient[]>> = {
  dispatchers: one('dispatcher-1', '13800000001'),
  supervisor: one('supervisor-1', '13800000002'),
  working_group: one('working-group-1', '13800000003'),
  department_handlers: one('handler-1', '13800000004'),
  department_head: one('head-1', '13800000005'),
  district_leader: one('leader-1', '13800000006'),
  callback_officers: one('officer-1', '13800000007'),
  operators: one('operator-1', '13800000008'),
};

/** The account ids an audience reaches in processStaffDirectory (for expected SMS keys). */
export const recipientIdsOf = (audiences: readonly string[]): string[] => [
  ...new Set(audiences.flatMap((audience) => (processStaffDirectory[audience] ?? []).map((r) => r.id))),
];
