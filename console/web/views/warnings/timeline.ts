import type { Evidence, TimelineEvent } from '../../api/types.ts';
import { formatShanghai } from '../../util/time.ts';

type Translate = (key: string, values?: Record<string, unknown>) => string;

export interface TimelineLine {
  readonly label: string;
  readonly value: string;
}

const str = (value: unknown): string => (typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value));
const list = (value: unknown): string => (Array.isArray(value) ? value.map(str).join('、') : str(value));
const deadline = (value: unknown): string => formatShanghai((value as { dueAt?: string } | undefined)?.dueAt ?? null);

/**
 * What the timeline shows of each event: the facts an auditor needs (who decided what, deadlines in
 * force, outcomes), in the page's language. The event's own time and actor are shown by the caller.
 */
export const timelineLines = (event: TimelineEvent, t: Translate): TimelineLine[] => {
  const d = event.data;
  const lines: TimelineLine[] = [];
  const add = (labelKey: string, value: string): void => {
    if (value !== '') lines.push({ label: t(`eventField.${labelKey}`), value });
  };
  const yesNo = (value: unknown): string => (value === true ? t('common.yes') : value === false ? t('common.no') : '');
  const satisfied = (value: unknown): string => (value === true ? t('action.satisfied') : value === false ? t('action.unsatisfied') : '');
  switch (event.type) {
    case 'WarningRaised':
      add('kind', t(`kind.${str(d['kind'])}`));
      add('severity', t(`severity.${str(d['severity'])}`));
      add('lead', str(d['leadDepartment']));
      add('cooperating', list(d['cooperatingDepartments']));
      add('routingVersion', str(d['routingTableVersion']));
      add('dueAt', deadline(d['dispatch']));
      break;
    case 'WarningDispatched':
      add('lead', str(d['leadDepartment']));
      add('cooperating', list(d['cooperatingDepartments']));
      add('note', str(d['note']));
      break;
    case 'DispatchEscalated':
    case 'ReplyEscalated':
      add('level', str(d['level']));
      add('audiences', list(d['audiences']));
      break;
    case 'CallbackEscalated':
      add('failedCheck', t(`check.${str(d['check'])}`));
      add('level', str(d['level']));
      add('audiences', list(d['audiences']));
      break;
    case 'ReplyDeadlineSet':
      add('round', str(d['round']));
      add('dueAt', deadline(d['deadline']));
      add('workingDays', str(d['workingDays']));
      add('fallbackYears', list(d['calendarFallbackYears']));
      break;
    case 'CallbackDeadlinesSet':
      lines.push({ label: t('check.phone'), value: deadline(d['phone']) });
      lines.push({ label: t('check.on_site'), value: deadline(d['onSite']) });
      add('fallbackYears', list(d['calendarFallbackYears']));
      break;
    case 'CollaborationRequested':
      add('departments', list(d['departments']));
      add('note', str(d['note']));
      break;
    case 'EvidenceAdded':
      add('note', str(d['description']));
      break;
    case 'WarningStatusUpdated':
      add('note', str(d['note']));
      break;
    case 'WarningReplied':
      add('round', str(d['round']));
      add('text', str(d['text']));
      add('onTime', yesNo(d['onTime']));
      break;
    case 'PhoneCallbackRecorded':
      add('calledAt', formatShanghai(str(d['calledAt'])));
      add('satisfied', satisfied(d['satisfied']));
      add('notes', str(d['notes']));
      break;
    case 'OnSiteCheckRecorded':
      add('checkedAt', formatShanghai(str(d['checkedAt'])));
      add('satisfied', satisfied(d['satisfied']));
      add('notes', str(d['notes']));
      break;
    case 'WarningReopened':
      add('count', str(d['count']));
      add('failedCheck', t(`check.${str(d['failedCheck'])}`));
      break;
    case 'WarningClosed':
      add('outcome', t(`outcome.${str(d['outcome'])}`));
      break;
    case 'AppealFiled':
      add('reason', str(d['reason']));
      break;
    case 'AppealReviewed':
      add('decision', t(`appeal.${str(d['decision'])}`));
      add('reason', str(d['reason']));
      break;
    case 'CitizenNotified':
      add('step', t(`step.${str(d['step'])}`));
      break;
    case 'ReplyReminderSent':
    case 'CallbackReminderSent':
    case 'DispatchReminderSent':
    case 'DispatchersAlerted':
      break;
    default: {
      const never: never = event.type;
      return never;
    }
  }
  return lines;
};

/** Every evidence file an event carries (reply evidence, added evidence, on-site photo, appeal evidence). */
export const evidenceOf = (event: TimelineEvent): Evidence[] => {
  const d = event.data;
  const single = (value: unknown): Evidence[] => (value && typeof value === 'object' && 'blobKey' in value ? [value as Evidence] : []);
  const many = (value: unknown): Evidence[] => (Array.isArray(value) ? value.flatMap(single) : []);
  return [...many(d['evidence']), ...single(d['evidence']), ...single(d['photo'])];
};
