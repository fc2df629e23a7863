import type { RecordedEvent } from '../../core/eventstore/types.ts';
import type { FeedRating, FeedRectification } from '../../core/feed/record.ts';
import { correctionRecordId, feedApplicantTypes, feedChannels, feedStages } from '../../core/feed/record.ts';
import type { EvaluationSubmitted } from '../../core/invitation/events.ts';
import type { AppealReviewed, WarningEvent } from '../../core/warning/events.ts';
import { maskFreeText } from '../../core/pii/mask.ts';

type Submitted = RecordedEvent<'EvaluationSubmitted', EvaluationSubmitted['data']>;
type AppealReviewedEvent = RecordedEvent<'AppealReviewed', AppealReviewed['data']>;

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

/** Upheld appeals (申诉成立): the facts that exclude the rating and make the result 2. */
const upholdsAppeal = (event: RecordedEvent & WarningEvent): boolean =>
  event.type === 'AppealReviewed' && event.data.decision === 'upheld' && event.data.ratingExcludedFromAppraisal;

export const rectificationRecordId = (warningId: string): string => `ZG${warningId}`;

/**
 * 整改数据 of a closed warning raised from a rating, from the warning's events as given (the caller
 * cuts the stream at the fact it reports, so a record collected late says what it said on time): the
 * last reply, the last phone call-back and how it ended. Null for a warning that is not closed or has
 * no rating behind it (办件超时 warnings are not part of the 好差评 feed).
 */
export const rectificationRecord = (warning: readonly RecordedEvent[], rating: Submitted): FeedRectification | null => {
  const events = warning as unknown as readonly (RecordedEvent & WarningEvent)[];
  const raised = events.find((e) => e.type === 'WarningRaised');
  const closed = events.findLast((e) => e.type === 'WarningClosed');
  if (!raised || raised.type !== 'WarningRaised' || !closed || closed.type !== 'WarningClosed') return null;
  const reply = events.findLast((e) => e.type === 'WarningReplied');
  const call = events.findLast((e) => e.type === 'PhoneCallbackRecorded');
  const reopenings = events.filter((e) => e.type === 'WarningReopened').length;
  // Upheld while open, the appeal closes the warning; upheld after it closed, it changes the result.
  const appealUpheld = closed.data.outcome === 'appeal_upheld' || events.some(upholdsAppeal);
  return {
    kind: 'rectification',
    recordId: rectificationRecordId(raised.data.warningId),
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

/** The warning's events up to and including stream version `version`. */
export const through = (warning: readonly RecordedEvent[], version: number): readonly RecordedEvent[] =>
  warning.filter((e) => e.streamVersion <= version);

/**
 * 整改数据更正 for `fact`, an event of the warning after it closed: the rectification record as the
 * warning stands after the fact, superseding the first record, when the fact changed its result
 * (today: an appeal filed before the closure and upheld after it). The revision counts such facts
 * after the closure, from 2, so redelivering the fact gives the same id. Null when nothing changed.
 */
export const rectificationCorrection = (warning: readonly RecordedEvent[], rating: Submitted, fact: RecordedEvent): FeedRectification | null => {
  const events = warning as unknown as readonly (RecordedEvent & WarningEvent)[];
  const closed = events.find((e) => e.type === 'WarningClosed');
  const changing = (e: RecordedEvent & WarningEvent) => closed !== undefined && e.streamVersion > closed.streamVersion && upholdsAppeal(e);
  if (!changing(fact as RecordedEvent & WarningEvent)) return null;
  const before = rectificationRecord(through(warning, fact.streamVersion - 1), rating);
  const after = rectificationRecord(through(warning, fact.streamVersion), rating);
  if (!before || !after || before.result === after.result) return null;
  const revision = 1 + events.filter((e) => e.streamVersion <= fact.streamVersion && changing(e)).length;
  return { ...after, recordId: correctionRecordId(after.recordId, revision), corrects: after.recordId, revision, correctedAt: (fact as AppealReviewedEvent).data.at };
};
