/**
 * The lifecycle's clocks, passed to each workflow when it starts (so a running warning keeps the
 * rules it started with). The dispatch deadline itself (1 hour) is set by the warning policy when it
 * raises the warning; reply and call-back deadlines are counted in working days by the calendar.
 */
export interface EscalationLevel {
  readonly level: number;
  /** How long after the deadline this level fires (0 = at the deadline). */
  readonly afterDueMs: number;
  /** Who is told: roles resolved to phones by the recipients directory. */
  readonly audiences: readonly string[];
}

export interface LifecycleConfig {
  readonly dispatchEscalations: readonly EscalationLevel[];
  /** 处置答复: working days after the dispatch (or reopening) day, due at 24:00 Asia/Shanghai. */
  readonly replyWorkingDays: number;
  readonly replyReminderWorkingDaysBefore: number;
  readonly replyEscalations: readonly EscalationLevel[];
  /** 双回访: working days after the reply for the phone call-back and the on-site check. */
  readonly phoneCallbackWorkingDays: number;
  readonly onSiteCheckWorkingDays: number;
  readonly callbackReminderWorkingDaysBefore: number;
  readonly callbackEscalations: readonly EscalationLevel[];
  /** Continue as new once the history is this long, at a quiet moment (keeps every history < 300). */
  readonly continueAsNewAfterEvents: number;
}

const HOUR = 60 * 60 * 1000;

export const defaultLifecycleConfig: LifecycleConfig = {
  dispatchEscalations: [
    { level: 1, afterDueMs: 0, audiences: ['supervisor'] },
    { level: 2, afterDueMs: HOUR, audiences: ['working_group'] },
  ],
  replyWorkingDays: 3,
  replyReminderWorkingDaysBefore: 1,
  replyEscalations: [
    { level: 1, afterDueMs: 0, audiences: ['department_head', 'working_group'] },
    { level: 2, afterDueMs: 24 * HOUR, audiences: ['district_leader'] },
  ],
  phoneCallbackWorkingDays: 2,
  onSiteCheckWorkingDays: 5,
  callbackReminderWorkingDaysBefore: 1,
  callbackEscalations: [{ level: 1, afterDueMs: 0, audiences: ['working_group'] }],
  continueAsNewAfterEvents: 150,
};
