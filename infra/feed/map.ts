import type { RecordedEvent } from '../../core/eventstore/types.ts';
import type { FeedRating, FeedRectification } from '../../core/feed/record.ts';
import { feedApplicantTypes, feedChannels, feedStages } from '../../core/feed/record.ts';
import type { EvaluationSubmitted } from '../../core/invitation/events.ts';
import type { WarningEvent } from '../../core/warning/events.ts';
import { maskFreeText } from '../../core/pii/mask.ts';

type Submitted = RecordedEvent<'EvaluationSubmitted', EvaluationSubmitted['data']>;

export const ratingRecordId = (ratingEventId: string): string => `PJ${ratingEventId}`;

/** 评价数据 of one submitted rating: the national fields it already carries, nothing personal. */
export const ratingRecord = (event: Submitted): FeedRating => {
  const { data } = event;
  return {
    kind: 'rating',
    recordId: ratingRecordId(event.id),
    evaluatedAt: data.submittedAt,
    score: data.overall,
    channel: feedChannels[data.channel],
    matterCode: data.subject.matter.code,
    matterName: data.subject.matter.name,
    departmentCode: data.subject.department.code,
    regionCode: data.subject.regionCode,
    caseNumber: data.subject.caseNumber,
    stage: feedStages[data.subject.stage],
    applicantType: feedApplicantTypes[data.subject.applicantType],
    reasons: [...data.reasons],
    comment: data.comment === null ? null : maskFreeText(data.comment),
    realName: data.evaluator.identity === 'real_name',
  };
};

/**
 * 整改数据 of a closed warning raised from a rating: the last reply, the last phone call-back and
 * how it ended. Null for a warning that is not closed or has no rating behind it (办件超时 warnings
 * are not part of the 好差评 feed).
 */
export const rectificationRecord = (warning: readonly RecordedEvent[], rating: Submitted): FeedRectification | null => {
  const events = warning as unknown as readonly (RecordedEvent & WarningEvent)[];
  const raised = events.find((e) => e.type === 'WarningRaised');
  const closed = events.findLast((e) => e.type === 'WarningClosed');
  if (!raised || raised.type !== 'WarningRaised' || !closed || closed.type !== 'WarningClosed') return null;
  const reply = events.findLast((e) => e.type === 'WarningReplied');
  const call = events.findLast((e) => e.type === 'PhoneCallbackRecorded');
  const reopenings = events.filter((e) => e.type === 'WarningReopened').length;
  const appealUpheld = closed.data.outcome === 'appeal_upheld';
  return {
    kind: 'rectification',
    recordId: `ZG${raised.data.warningId}`,
    ratingRecordId: ratingRecordId(rating.id),
    departmentCode: raised.data.leadDepartment,
    regionCode: rating.data.subject.regionCode,
    caseNumber: rating.data.subject.caseNumber,
    replyText: reply?.type === 'WarningReplied' ? maskFreeText(reply.data.text) : appealUpheld ? '申诉成立，该差评不计入考核' : '未答复',
    repliedAt: reply?.type === 'WarningReplied' ? reply.data.at : closed.data.at,
    callbackResult: call?.type === 'PhoneCallbackRecorded' ? (call.data.satisfied ? '1' : '2') : '3',
    callbackAt: call?.type === 'PhoneCallbackRecorded' ? call.data.calledAt : null,
    result: appealUpheld ? '2' : closed.data.outcome === 'rectified' ? '1' : '3',
    closedAt: closed.data.at,
    reopenings,
  };
};
