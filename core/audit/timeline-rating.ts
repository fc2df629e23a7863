/**
 * A rating's (评价) timeline: its invitation stream `invitation-<id>` (issued, sent, opened, reminded,
 * rated or expired) and, when the invitation names a case, the case stream `case-<system:id>` (办件
 * registered, stages, 办结, overdue). Phones stay sealed: only the masked form is ever shown.
 */
import type { CaseEvent } from '../case/events.ts';
import { assertNever } from '../decider/decider.ts';
import type { RecordedEvent } from '../eventstore/types.ts';
import type { InvitationEvent } from '../invitation/events.ts';
import { invitationStreamId } from '../invitation/events.ts';
import type { RatingSubject } from '../invitation/types.ts';
import { maskFreeText } from '../pii/mask.ts';
import type { DeadlineEffects, Described, Localized, Timeline, TimelineDetail } from './timeline.ts';
import { assembleTimeline, text } from './timeline.ts';

export const ratingEventNames: Readonly<Record<InvitationEvent['type'] | CaseEvent['type'], Localized>> = {
  CaseRegistered: text('办件登记', 'Case registered'),
  CaseStageChanged: text('办理阶段变更', 'Case stage changed'),
  CaseCompleted: text('办结', 'Case completed'),
  CaseOverdue: text('办件超时', 'Case overdue'),
  InvitationIssued: text('评价邀请生成', 'Invitation issued'),
  InvitationSent: text('评价短信已发送', 'Invitation sent'),
  InvitationOpened: text('打开评价页', 'Invitation opened'),
  InvitationReminded: text('评价提醒', 'Reminder sent'),
  InvitationExpired: text('邀请过期(未评)', 'Invitation expired (unrated)'),
  EvaluationSubmitted: text('评价提交', 'Rating submitted'),
};

const detail = (zh: string, en: string, value: string | number | null | undefined): TimelineDetail => ({ label: text(zh, en), value: value === null || value === undefined ? '' : String(value) });
const levelNames = ['', '非常不满意', '不满意', '基本满意', '满意', '非常满意'];

const describeRating = (event: InvitationEvent | CaseEvent): Described => {
  const what = ratingEventNames[event.type];
  switch (event.type) {
    case 'CaseRegistered':
      return { what, details: [detail('办件', 'Case', event.data.caseId), detail('阶段', 'Stage', event.data.stage), detail('部门', 'Department', event.data.details.department.code)] };
    case 'CaseStageChanged':
      return { what, details: [detail('阶段', 'Stage', `${event.data.from} → ${event.data.to}`)] };
    case 'CaseCompleted':
      return { what, details: [detail('办理结果', 'Result', event.data.result)] };
    case 'CaseOverdue':
      return { what, details: [detail('办理时限', 'Due', event.data.dueAt)] };
    case 'InvitationIssued':
      return {
        what,
        details: [
          detail('渠道', 'Channel', event.data.channel),
          detail('部门', 'Department', event.data.subject.department.code),
          detail('窗口', 'Window', `${event.data.subject.hall.name} · ${event.data.subject.window.name}`),
          detail('接收号码', 'Recipient', event.data.recipient?.masked ?? null),
          detail('问卷版本', 'Questionnaire version', event.data.questionnaireVersion),
        ],
      };
    case 'InvitationSent':
    case 'InvitationReminded':
      return { what, details: [] };
    case 'InvitationOpened':
      return { what, details: [detail('渠道', 'Channel', event.data.via)] };
    case 'InvitationExpired':
      return { what, details: [] };
    case 'EvaluationSubmitted':
      return {
        what,
        details: [
          detail('总体评价', 'Overall', `${event.data.overall} ${levelNames[event.data.overall] ?? ''}`),
          // The event's follow-up flag: a 差评, or a reason that raises a warning by itself (办事体验一般).
          detail('需回访整改', 'Follow-up required', event.data.negative ? '是 / yes' : '否 / no'),
          detail('原因', 'Reasons', event.data.reasons.join('、')),
          detail('留言', 'Comment', event.data.comment === null ? null : maskFreeText(event.data.comment)),
          detail('评价人', 'Rater', event.data.evaluator.identity === 'anonymous' ? '匿名 / anonymous' : `实名 / real name ${event.data.evaluator.phone.masked}`),
          detail('问卷版本', 'Questionnaire version', event.data.questionnaireVersion),
        ],
      };
    default:
      return assertNever(event);
  }
};

const RATE_BY = 'rate-by';

const ratingDeadlines = (event: InvitationEvent | CaseEvent): DeadlineEffects => {
  switch (event.type) {
    case 'InvitationIssued':
      return { set: [{ id: RATE_BY, what: text('评价有效期', 'Rating window'), dueAt: event.data.expiresAt }] };
    case 'EvaluationSubmitted':
      return { fulfil: [RATE_BY] };
    case 'InvitationExpired':
      return { void: [RATE_BY] };
    case 'InvitationSent':
    case 'InvitationOpened':
    case 'InvitationReminded':
    case 'CaseRegistered':
    case 'CaseStageChanged':
    case 'CaseCompleted':
    case 'CaseOverdue':
      return {};
    default:
      return assertNever(event);
  }
};

/** Who the rating concerns, for the caller's scope: the department and window officer rated. */
export const ratingSubjectOf = (events: readonly RecordedEvent[]): RatingSubject | null => {
  const issued = events.find((event) => event.type === 'InvitationIssued' || event.type === 'EvaluationSubmitted');
  return issued ? (issued.data as { subject: RatingSubject }).subject : null;
};

/** The timeline of the rating of one invitation: its invitation stream and its case's stream, merged in log order. */
export const ratingTimeline = (invitationId: string, invitationEvents: readonly RecordedEvent[], caseEvents: readonly RecordedEvent[], asOf: Date): Timeline =>
  assembleTimeline(
    {
      subject: { kind: 'rating', id: invitationId },
      title: text(`评价 ${invitationId} 全过程`, `Rating ${invitationId}: full history`),
      streams: [invitationStreamId(invitationId), ...new Set(caseEvents.map((event) => event.streamId))],
    },
    [...caseEvents, ...invitationEvents],
    asOf,
    (event) => describeRating(event as unknown as InvitationEvent | CaseEvent),
    (event) => ratingDeadlines(event as unknown as InvitationEvent | CaseEvent),
  );
