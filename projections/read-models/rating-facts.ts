import type { Insertable, Selectable } from 'kysely';
import type { RecordedEvent } from '../../core/eventstore/types.ts';
import type { EvaluationSubmitted } from '../../core/invitation/events.ts';
import type { AttachmentRef, InvitationChannel } from '../../core/invitation/types.ts';
import { isBadRating } from '../metrics/definitions.ts';
import { shanghaiKeys } from '../time/shanghai.ts';
import type { Instant, Json } from './columns.ts';
import { maskFreeText } from '../../core/pii/mask.ts';

/** 评价事实 (app.rating_facts): one row per submitted rating, keyed by the rating event's id. */
export interface RatingFactsTable {
  rating_id: string;
  invitation_id: string;
  case_id: string | null;
  submitted_at: Instant;
  day_key: string;
  week_key: string;
  month_key: string;
  weekday: number;
  hour: number;
  department_code: string;
  department_name: string;
  matter_code: string;
  matter_name: string;
  matter_type: string;
  hall_code: string;
  hall_name: string;
  window_code: string;
  window_name: string;
  staff_id: string | null;
  staff_name: string | null;
  channel: InvitationChannel;
  channel_group: ChannelGroup;
  applicant_type: string;
  enterprise_type: string | null;
  region_code: string;
  stage: string;
  progress: string;
  level: number;
  /** 差评 (不满意 or 非常不满意: `isBadRating`). */
  negative: boolean;
  reasons: string[];
  comment_masked: string | null;
  attachments: Json<AttachmentRef[]>;
  anonymous: boolean;
  questionnaire_version: number;
  variant_id: string;
}

export type RatingFact = Selectable<RatingFactsTable>;
export type NewRatingFact = Insertable<RatingFactsTable>;

/** 线上 (SMS link) or 线下 (QR at the hall): the seed reports response rates by these two. */
export type ChannelGroup = 'online' | 'offline';

export const channelGroupOf = (channel: InvitationChannel): ChannelGroup => {
  switch (channel) {
    case 'sms':
      return 'online';
    case 'qr_case':
    case 'qr_static':
      return 'offline';
    default: {
      const _never: never = channel;
      return 'offline';
    }
  }
};

export const ratingFactOf = (
  event: RecordedEvent<'EvaluationSubmitted', EvaluationSubmitted['data']>,
): NewRatingFact => {
  const data = event.data;
  const subject = data.subject;
  const keys = shanghaiKeys(data.submittedAt);
  return {
    rating_id: event.id,
    invitation_id: data.invitationId,
    case_id: subject.caseId,
    submitted_at: data.submittedAt,
    day_key: keys.dayKey,
    week_key: keys.weekKey,
    month_key: keys.monthKey,
    weekday: keys.weekday,
    hour: keys.hour,
    department_code: subject.department.code,
    department_name: subject.department.name,
    matter_code: subject.matter.code,
    matter_name: subject.matter.name,
    matter_type: subject.matter.type,
    hall_code: subject.hall.code,
    hall_name: subject.hall.name,
    window_code: subject.window.code,
    window_name: subject.window.name,
    staff_id: subject.staff?.id ?? null,
    staff_name: subject.staff?.displayName ?? null,
    channel: data.channel,
    channel_group: channelGroupOf(data.channel),
    applicant_type: subject.applicantType,
    enterprise_type: subject.enterpriseType,
    region_code: subject.regionCode,
    stage: subject.stage,
    progress: subject.progress,
    level: data.overall,
    // 差评 by the national definition (isBadRating), not the event's wider follow-up flag.
    negative: isBadRating(data.overall),
    reasons: [...data.reasons],
    comment_masked: data.comment === null ? null : maskFreeText(data.comment),
    attachments: JSON.stringify(data.attachments),
    anonymous: data.evaluator.identity === 'anonymous',
    questionnaire_version: data.questionnaireVersion,
    variant_id: data.variantId,
  };
};
