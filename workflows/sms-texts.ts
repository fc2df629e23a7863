/**
 * The SMS texts of the lifecycle (one segment each where possible). They carry a short warning
 * reference and times, never personal data.
 */
import { addDays, civilDateOf, timeOfDayMs } from '../core/calendar/civil-date.ts';
import type { CallbackCheck, CitizenStep } from '../core/warning/events.ts';

/** Every template the lifecycle sends (checked against the provider's at the worker's start-up). */
export const lifecycleTemplateCodes = [
  'warning_alert',
  'warning_dispatch_reminder',
  'warning_escalation',
  'warning_reply_deadline',
  'warning_reply_reminder',
  'warning_callback_deadlines',
  'warning_callback_reminder',
  'citizen_progress',
  'calendar_fallback',
] as const;

export interface SmsText {
  readonly templateCode: (typeof lifecycleTemplateCodes)[number];
  readonly params: Record<string, string>;
  readonly text: string;
}

/** 3月6日24时 / 3月3日11:00 — Asia/Shanghai. */
export const formatDue = (iso: string): string => {
  const due = new Date(iso);
  const midnight = timeOfDayMs(due) === 0;
  const date = midnight ? addDays(civilDateOf(due), -1) : civilDateOf(due);
  const [, month, day] = date.split('-').map(Number);
  if (midnight) return `${month}月${day}日24时`;
  const minutes = Math.floor(timeOfDayMs(due) / 60000);
  return `${month}月${day}日${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
};

export const warningRef = (warningId: string): string => warningId.slice(-8);

const stageName = { dispatch: '派单', reply: '答复', phone: '电话回访', on_site: '实地核查' } as const;
const checkName = (check: CallbackCheck) => stageName[check];

export const texts = {
  alert: (ref: string, due: string): SmsText => ({
    templateCode: 'warning_alert',
    params: { ref, due },
    text: `新预警${ref}，请于${due}前派单。`,
  }),
  dispatchReminder: (ref: string, due: string): SmsText => ({
    templateCode: 'warning_dispatch_reminder',
    params: { ref, due },
    text: `预警${ref}尚未派单，${due}超时，请尽快派单。`,
  }),
  escalation: (ref: string, stage: keyof typeof stageName, level: number): SmsText => ({
    templateCode: 'warning_escalation',
    params: { ref, stage: stageName[stage], level: String(level) },
    text: `督办：预警${ref}${stageName[stage]}已超时（${level}级），请督促办理。`,
  }),
  replyDeadline: (ref: string, due: string): SmsText => ({
    templateCode: 'warning_reply_deadline',
    params: { ref, due },
    text: `预警${ref}已派至贵部门，请于${due}前处置答复。`,
  }),
  replyReminder: (ref: string, due: string): SmsText => ({
    templateCode: 'warning_reply_reminder',
    params: { ref, due },
    text: `预警${ref}须于${due}前答复，请尽快处置。`,
  }),
  callbackDeadlines: (ref: string, phoneDue: string, onSiteDue: string): SmsText => ({
    templateCode: 'warning_callback_deadlines',
    params: { ref, phone_due: phoneDue, on_site_due: onSiteDue },
    text: `预警${ref}已答复，请于${phoneDue}前电话回访、${onSiteDue}前实地核查。`,
  }),
  callbackReminder: (ref: string, check: CallbackCheck, due: string): SmsText => ({
    templateCode: 'warning_callback_reminder',
    params: { ref, check: checkName(check), due },
    text: `预警${ref}的${checkName(check)}须于${due}前完成。`,
  }),
  citizen: (step: CitizenStep): SmsText => {
    const progress = { dispatched: '已派至责任部门办理', replied: '责任部门已答复整改', closed: '已整改并经回访核实' }[step];
    return { templateCode: 'citizen_progress', params: { progress }, text: `您反映的问题${progress}，感谢您的评价。` };
  },
  calendarFallback: (ref: string, years: string): SmsText => ({
    templateCode: 'calendar_fallback',
    params: { ref, years },
    text: `${years}年节假日安排未载入，预警${ref}时限暂按周一至周五计算，请尽快载入。`,
  }),
};
