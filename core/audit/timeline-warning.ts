/**
 * A warning's (预警) timeline from its stream `warning-<id>`: 22 event types, each with its officials'
 * name, the facts an auditor needs, and the deadlines it sets or fulfils (派单 1 hour, 答复 3 working
 * days per round, 电话回访 and 实地核查 per round).
 */
import { assertNever } from '../decider/decider.ts';
import type { RecordedEvent } from '../eventstore/types.ts';
import type { CallbackCheck, WarningEvent, WarningEventType, WarningRaised } from '../warning/events.ts';
import { warningStreamId } from '../warning/stream.ts';
import { maskFreeText } from '../pii/mask.ts';
import type { DeadlineEffects, Described, Localized, Timeline, TimelineDetail, TimelineLink } from './timeline.ts';
import { assembleTimeline, text } from './timeline.ts';

export const warningEventNames: Readonly<Record<WarningEventType, Localized>> = {
  WarningRaised: text('预警生成', 'Warning raised'),
  DispatchersAlerted: text('预警提示已发送', 'Dispatchers alerted'),
  WarningDispatched: text('派单', 'Dispatched'),
  DispatchReminderSent: text('派单提醒', 'Dispatch reminder sent'),
  DispatchEscalated: text('派单超时升级', 'Dispatch escalated'),
  ReplyDeadlineSet: text('答复时限设定', 'Reply deadline set'),
  ReplyReminderSent: text('答复提醒', 'Reply reminder sent'),
  ReplyEscalated: text('答复超时升级', 'Reply escalated'),
  CollaborationRequested: text('协同请求', 'Collaboration requested'),
  EvidenceAdded: text('凭证上传', 'Evidence added'),
  WarningStatusUpdated: text('处置进展更新', 'Status updated'),
  WarningReplied: text('处置答复', 'Replied'),
  CallbackDeadlinesSet: text('回访时限设定', 'Call-back deadlines set'),
  CallbackReminderSent: text('回访提醒', 'Call-back reminder sent'),
  CallbackEscalated: text('回访超时升级', 'Call-back escalated'),
  PhoneCallbackRecorded: text('电话回访', 'Phone call-back recorded'),
  OnSiteCheckRecorded: text('实地核查', 'On-site check recorded'),
  WarningReopened: text('重新整改', 'Reopened'),
  WarningClosed: text('预警办结', 'Closed'),
  AppealFiled: text('申诉', 'Appeal filed'),
  AppealReviewed: text('申诉复核', 'Appeal reviewed'),
  CitizenNotified: text('回告群众', 'Citizen notified'),
};

const label = {
  kind: text('预警类型', 'Kind'),
  severity: text('严重程度', 'Severity'),
  rule: text('触发规则', 'Rule'),
  lead: text('牵头部门', 'Lead department'),
  cooperating: text('配合部门', 'Cooperating departments'),
  routing: text('对照表版本', 'Routing table version'),
  source: text('来源', 'Source'),
  note: text('备注', 'Note'),
  level: text('升级层级', 'Level'),
  audiences: text('通知对象', 'Audiences'),
  round: text('整改轮次', 'Round'),
  workingDays: text('工作日', 'Working days'),
  fallback: text('日历回退年份', 'Calendar fallback years'),
  departments: text('协同部门', 'Departments'),
  department: text('部门', 'Department'),
  text: text('答复内容', 'Reply'),
  onTime: text('是否按时', 'On time'),
  check: text('回访方式', 'Check'),
  satisfied: text('是否满意', 'Satisfied'),
  outcome: text('结果', 'Outcome'),
  decision: text('复核结论', 'Decision'),
  reason: text('理由', 'Reason'),
  step: text('告知环节', 'Step'),
} satisfies Record<string, Localized>;

const checkNames: Readonly<Record<CallbackCheck, Localized>> = { phone: text('电话回访', 'phone call-back'), on_site: text('实地核查', 'on-site check') };
const yes = (value: boolean): string => (value ? '是 / yes' : '否 / no');
const list = (values: readonly string[]): string => values.join('、');
const line = (key: keyof typeof label, value: string | number | undefined): TimelineDetail => ({ label: label[key], value: value === undefined ? '' : String(value) });

/** The deadline ids: one dispatch deadline, then per round a reply and two call-back deadlines. */
export const deadlineIds = {
  dispatch: 'dispatch',
  reply: (round: number) => `reply-${round}`,
  callback: (check: CallbackCheck, round: number) => `${check}-${round}`,
};

const roundZh = (round: number): string => (round === 0 ? '' : `(第 ${round + 1} 轮)`);
const roundEn = (round: number): string => (round === 0 ? '' : ` (round ${round + 1})`);

const describeWarning = (event: WarningEvent): Described => {
  const only = (what: Localized, details: TimelineDetail[] = [], by?: string): Described => ({ what, details, by });
  const name = warningEventNames[event.type];
  switch (event.type) {
    case 'WarningRaised': {
      const d = event.data;
      return only(name, [
        line('kind', d.kind),
        line('severity', d.severity),
        line('rule', d.ruleId),
        line('lead', d.leadDepartment),
        line('cooperating', list(d.cooperatingDepartments)),
        line('routing', d.routingTableVersion),
        line('source', [d.source.caseId, d.source.invitationId, d.source.ratingEventId].filter(Boolean).join(' · ')),
      ]);
    }
    case 'DispatchersAlerted':
    case 'DispatchReminderSent':
      return only(name);
    case 'WarningDispatched':
      return only(name, [line('lead', event.data.leadDepartment), line('cooperating', list(event.data.cooperatingDepartments)), line('note', maskFreeText(event.data.note ?? ''))], event.data.by);
    case 'DispatchEscalated':
      return only(name, [line('level', event.data.level), line('audiences', list(event.data.audiences))]);
    case 'ReplyDeadlineSet':
      return only(name, [line('round', event.data.round + 1), line('workingDays', event.data.workingDays), line('fallback', event.data.calendarFallbackYears.join(', '))]);
    case 'ReplyReminderSent':
      return only(name, [line('round', event.data.round + 1)]);
    case 'ReplyEscalated':
      return only(name, [line('round', event.data.round + 1), line('level', event.data.level), line('audiences', list(event.data.audiences))]);
    case 'CollaborationRequested':
      return only(name, [line('departments', list(event.data.departments)), line('note', maskFreeText(event.data.note))], event.data.by);
    case 'EvidenceAdded':
      return only(name, [line('department', event.data.department), line('note', maskFreeText(event.data.description ?? ''))], event.data.by);
    case 'WarningStatusUpdated':
      return only(name, [line('department', event.data.department), line('note', maskFreeText(event.data.note))], event.data.by);
    case 'WarningReplied':
      return only(name, [line('round', event.data.round + 1), line('department', event.data.department), line('text', maskFreeText(event.data.text)), line('onTime', yes(event.data.onTime))], event.data.by);
    case 'CallbackDeadlinesSet':
      return only(name, [line('round', event.data.round + 1), line('fallback', event.data.calendarFallbackYears.join(', '))]);
    case 'CallbackReminderSent':
      return only(name, [line('round', event.data.round + 1), line('check', checkNames[event.data.check]['zh-CN'])]);
    case 'CallbackEscalated':
      return only(name, [line('round', event.data.round + 1), line('check', checkNames[event.data.check]['zh-CN']), line('level', event.data.level), line('audiences', list(event.data.audiences))]);
    case 'PhoneCallbackRecorded':
    case 'OnSiteCheckRecorded':
      return only(name, [line('round', event.data.round + 1), line('satisfied', yes(event.data.satisfied)), line('note', maskFreeText(event.data.notes))], event.data.by);
    case 'WarningReopened':
      return only(name, [line('round', event.data.count + 1), line('check', checkNames[event.data.failedCheck]['zh-CN'])]);
    case 'WarningClosed':
      return only(name, [line('outcome', event.data.outcome)]);
    case 'AppealFiled':
      return only(name, [line('department', event.data.department ?? ''), line('reason', maskFreeText(event.data.reason))], event.data.by);
    case 'AppealReviewed':
      return only(name, [line('decision', event.data.decision), line('reason', maskFreeText(event.data.reason))], event.data.by);
    case 'CitizenNotified':
      return only(name, [line('step', event.data.step), line('round', event.data.round + 1)]);
    default:
      return assertNever(event);
  }
};

const deadlineName = {
  dispatch: text('派单时限', 'Dispatch deadline'),
  reply: (round: number) => text(`答复时限${roundZh(round)}`, `Reply deadline${roundEn(round)}`),
  callback: (check: CallbackCheck, round: number) => text(`${checkNames[check]['zh-CN']}时限${roundZh(round)}`, `${checkNames[check].en} deadline${roundEn(round)}`),
};

const warningDeadlines = (event: WarningEvent): DeadlineEffects => {
  switch (event.type) {
    case 'WarningRaised':
      return { set: [{ id: deadlineIds.dispatch, what: deadlineName.dispatch, dueAt: event.data.dispatch.dueAt }] };
    case 'WarningDispatched':
      return { fulfil: [deadlineIds.dispatch] };
    case 'ReplyDeadlineSet':
      return { set: [{ id: deadlineIds.reply(event.data.round), what: deadlineName.reply(event.data.round), dueAt: event.data.deadline.dueAt }] };
    case 'WarningReplied':
      return { fulfil: [deadlineIds.reply(event.data.round)] };
    case 'CallbackDeadlinesSet': {
      const { round } = event.data;
      return {
        set: [
          { id: deadlineIds.callback('phone', round), what: deadlineName.callback('phone', round), dueAt: event.data.phone.dueAt },
          { id: deadlineIds.callback('on_site', round), what: deadlineName.callback('on_site', round), dueAt: event.data.onSite.dueAt },
        ],
      };
    }
    case 'PhoneCallbackRecorded':
      return { fulfil: [deadlineIds.callback('phone', event.data.round)] };
    case 'OnSiteCheckRecorded':
      return { fulfil: [deadlineIds.callback('on_site', event.data.round)] };
    case 'WarningReopened': {
      // The round that failed: its other call-back is no longer needed.
      const round = event.data.count - 1;
      return { void: [deadlineIds.callback('phone', round), deadlineIds.callback('on_site', round)] };
    }
    case 'WarningClosed':
      return { void: '*' };
    case 'DispatchersAlerted':
    case 'DispatchReminderSent':
    case 'DispatchEscalated':
    case 'ReplyReminderSent':
    case 'ReplyEscalated':
    case 'CollaborationRequested':
    case 'EvidenceAdded':
    case 'WarningStatusUpdated':
    case 'CallbackReminderSent':
    case 'CallbackEscalated':
    case 'AppealFiled':
    case 'AppealReviewed':
    case 'CitizenNotified':
      return {};
    default:
      return assertNever(event);
  }
};

/** The rating that raised the warning (by its invitation) and the warning policy's change history. */
const relatedOf = (events: readonly RecordedEvent[]): TimelineLink[] => {
  const raisedEvent = events.find((event) => event.type === 'WarningRaised');
  if (!raisedEvent) return [];
  const { source, routingTableVersion } = (raisedEvent.data as WarningRaised['data']);
  return [
    ...(source.invitationId ? [{ kind: 'rating' as const, id: source.invitationId, label: text('来源评价全过程', 'History of the rating') }] : []),
    { kind: 'config', id: 'warning-policy', label: text(`预警规则与对照表变更记录(生成时为第 ${routingTableVersion} 版)`, `Warning policy changes (routing table v${routingTableVersion} when raised)`) },
  ];
};

/** The timeline of one warning from the events of its stream, read at `asOf`. */
export const warningTimeline = (warningId: string, events: readonly RecordedEvent[], asOf: Date): Timeline =>
  assembleTimeline(
    {
      subject: { kind: 'warning', id: warningId },
      title: text(`预警 ${warningId} 全过程`, `Warning ${warningId}: full history`),
      streams: [warningStreamId(warningId)],
      related: relatedOf(events),
    },
    events,
    asOf,
    (event) => describeWarning(event as unknown as WarningEvent),
    (event) => warningDeadlines(event as unknown as WarningEvent),
  );
