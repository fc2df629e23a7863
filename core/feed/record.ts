/**
 * The provincial / national 好差评 feed (政务服务"好差评"数据汇聚): what PingGai reports upwards for
 * every rating (评价数据) and every rectification result (整改数据), in the fields that feed uses —
 * 5-level score, channel, matter / service code, department code, region code, case number, stage,
 * applicant type, and for rectifications the reply and the call-back result. No personal data: an
 * evaluator is only "real name" or "anonymous", never a phone or a name.
 *
 * The field codes follow GB/T 39735-2020 where it fixes them (5 levels, 1 = 非常不满意 … 5 = 非常满意);
 * channel, stage and applicant-type codes are the ones listed below, kept in one place so a province
 * with other codes changes this file only.
 */
import * as v from 'valibot';
import { instantSchema } from '../shared/instant.ts';

/** 评价渠道 of the feed. */
export const feedChannels = { sms: '05', qr_case: '04', qr_static: '04' } as const;
/** 办理阶段: 受理 / 办理 / 办结. */
export const feedStages = { accepted: '1', in_progress: '2', concluded: '3' } as const;
/** 申请人类型: 自然人 / 法人 (个体工商户、企业、社会组织) / 其他. */
export const feedApplicantTypes = {
  natural_person: '1',
  individual_business: '2',
  enterprise: '2',
  social_org: '2',
  other: '9',
  unknown: '9',
} as const;

const code = (pattern: RegExp, message: string) => v.pipe(v.string(), v.regex(pattern, message));
const instant = instantSchema('an ISO 8601 timestamp with offset');
const text = (max: number) => v.pipe(v.string(), v.maxLength(max));

/** 评价数据: one per submitted rating. */
export const FeedRatingSchema = v.strictObject({
  kind: v.literal('rating'),
  /** Idempotency key at the receiving end: the same rating is always the same record. */
  recordId: code(/^PJ[0-9a-zA-Z_-]{8,64}$/, 'PJ followed by the rating id'),
  evaluatedAt: instant,
  score: v.picklist([1, 2, 3, 4, 5]),
  channel: v.picklist(Object.values(feedChannels)),
  /** 事项编码 (implementation code of the matter). */
  matterCode: code(/^[0-9A-Z]{6,40}$/, 'the matter (service) code: 6–40 digits or capitals'),
  matterName: text(200),
  departmentCode: code(/^[0-9A-Za-z_-]{2,40}$/, 'the department code'),
  /** 行政区划代码, 6 digits. */
  regionCode: code(/^\d{6}$/, 'a 6-digit administrative region code'),
  /** 办件编号; null for a window QR rating where no case is known. */
  caseNumber: v.nullable(text(64)),
  stage: v.picklist(Object.values(feedStages)),
  applicantType: v.picklist(Object.values(feedApplicantTypes)),
  /** 差评原因 codes of the questionnaire. */
  reasons: v.array(code(/^[A-Z]{1,4}\d{2,3}$/, 'a reason code')),
  /** The comment with digit runs masked (a phone typed into a comment never leaves). */
  comment: v.nullable(text(500)),
  realName: v.boolean(),
});
export type FeedRating = v.InferOutput<typeof FeedRatingSchema>;

/** 整改数据: one per closed warning raised from a rating, and one more per later correction of its result. */
export const FeedRectificationSchema = v.strictObject({
  kind: v.literal('rectification'),
  recordId: code(/^ZG[0-9a-zA-Z_-]{4,64}$/, 'ZG followed by the warning id'),
  /** The rating record this rectification answers. */
  ratingRecordId: code(/^PJ[0-9a-zA-Z_-]{8,64}$/, 'PJ followed by the rating id'),
  departmentCode: code(/^[0-9A-Za-z_-]{2,40}$/, 'the department code'),
  regionCode: code(/^\d{6}$/, 'a 6-digit administrative region code'),
  caseNumber: v.nullable(text(64)),
  /** 整改答复 and when it was given. */
  replyText: v.pipe(v.string(), v.minLength(1, 'a reply'), v.maxLength(2000)),
  repliedAt: instant,
  /** 回访结果: 1 满意, 2 不满意, 3 未回访 (anonymous rater, nobody to call). */
  callbackResult: v.picklist(['1', '2', '3']),
  callbackAt: v.nullable(instant),
  /** 整改结果: 1 已整改, 2 申诉成立 (rating excluded), 3 未整改. */
  result: v.picklist(['1', '2', '3']),
  closedAt: instant,
  reopenings: v.pipe(v.number(), v.integer(), v.minValue(0)),
  /**
   * 整改数据更正 (correction), only on a record that supersedes the first one of its warning: an appeal
   * upheld (申诉成立) after the warning closed changes the result the province holds. `corrects` is the
   * record id it supersedes (always the first, `ZG<warning id>`), `revision` counts from 2 and
   * `correctedAt` is when the result changed; the record's own id is `<corrects>-R<revision>`, so a
   * correction is as idempotent as any record. The receiving end keeps the highest revision.
   */
  corrects: v.optional(code(/^ZG[0-9a-zA-Z_-]{4,64}$/, 'ZG followed by the warning id')),
  revision: v.optional(v.pipe(v.number(), v.integer(), v.minValue(2, 'a revision from 2: the first record has none'))),
  correctedAt: v.optional(instant),
});
export type FeedRectification = v.InferOutput<typeof FeedRectificationSchema>;

/** The id of a correction: the record it supersedes and the revision (ZG<warning id>-R2). */
export const correctionRecordId = (corrects: string, revision: number): string => `${corrects}-R${revision}`;

/** Whether a rectification record is a correction (更正) of an earlier one. */
export const isCorrection = (record: FeedRecord): boolean => record.kind === 'rectification' && record.corrects !== undefined;

export const FeedRecordSchema = v.pipe(
  v.variant('kind', [FeedRatingSchema, FeedRectificationSchema]),
  // A correction carries all three fields and an id made of them; a first record carries none.
  v.forward(
    v.check(
      (record) =>
        record.kind === 'rating' ||
        (record.corrects === undefined && record.revision === undefined && record.correctedAt === undefined) ||
        (record.corrects !== undefined &&
          record.revision !== undefined &&
          record.correctedAt !== undefined &&
          record.recordId === correctionRecordId(record.corrects, record.revision)),
      'a correction has corrects, revision and correctedAt, and the id <corrects>-R<revision>; a first record has none of them',
    ),
    ['recordId'],
  ),
);
export type FeedRecord = v.InferOutput<typeof FeedRecordSchema>;
