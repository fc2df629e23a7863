import * as v from 'valibot';
import { formatSize } from '../../core/blobs/policy.ts';
import type { FieldIssue, FieldMessages } from '../../core/http/field-errors.ts';
import { fieldIssuesFromValibot, invalidField, ValidationFailed } from '../../core/http/field-errors.ts';
import type { Bilingual } from '../../core/http/lang.ts';
import { maskFreeText } from '../../core/pii/mask.ts';
import type { SatisfactionLevel } from '../../core/questionnaire/types.ts';
import type { DomainError } from '../../core/shared/errors.ts';

const COMMENT_MAX = 500;

const level = v.pipe(v.string(), v.picklist(['1', '2', '3', '4', '5']), v.transform((text) => Number(text) as SatisfactionLevel));
const indicatorCode = v.pipe(v.string(), v.regex(/^[A-Z]{1,4}\d{2,3}$/));

/** The rating form as posted (urlencoded or multipart); answers arrive as `answers.SM01=4`. */
export const ratingFormSchema = v.object({
  overall: level,
  answers: v.pipe(v.record(indicatorCode, level), v.check((record) => Object.keys(record).length <= 12)),
  reasons: v.pipe(v.array(v.pipe(v.string(), v.regex(/^[A-Z]{1,4}\d{2,3}$/))), v.maxLength(20)),
  // A NUL cannot be stored in an event (jsonb refuses it); refused here with the field named.
  comment: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(COMMENT_MAX), v.check((text) => !text.includes('\u0000')))),
  anonymous: v.optional(v.picklist(['1', 'on'])),
  via: v.optional(v.picklist(['sms', 'qr_case', 'qr_static'])),
});

export type RatingForm = v.InferOutput<typeof ratingFormSchema>;

/**
 * What the citizen reads when a field is wrong, in the page's language (the API's problem+json uses
 * the same words). Most of these only a hand-made post can trigger; the page's own controls cannot.
 */
const formMessages: FieldMessages = {
  overall: {
    missing: { 'zh-CN': '请选择总体评价', en: 'Please choose an overall rating.' },
    invalid: { 'zh-CN': '请从五个等级中选择一项总体评价', en: 'Please choose one of the five overall ratings.' },
  },
  answers: { invalid: { 'zh-CN': '分项评价请从五个等级中选择一项', en: 'Please choose one of the five ratings for each detail.' } },
  reasons: { invalid: { 'zh-CN': '请从列表中选择不满意的原因', en: 'Please choose what went wrong from the list.' } },
  comment: {
    invalid: { 'zh-CN': '意见建议无法读取,请重新填写', en: 'We could not read your comment; please write it again.' },
    byType: {
      max_length: { 'zh-CN': `意见建议不能超过 ${COMMENT_MAX} 字`, en: `Please keep your comment to ${COMMENT_MAX} characters or fewer.` },
      check: { 'zh-CN': '意见建议中含有无法保存的字符,请删除后再提交', en: 'Your comment holds a character we cannot store; please remove it.' },
    },
  },
  anonymous: { invalid: { 'zh-CN': '匿名评价选项无效,请重新选择', en: 'Please choose again whether to rate anonymously.' } },
  via: { invalid: { 'zh-CN': '请重新打开评价链接后再提交', en: 'Please open the rating link again and resubmit.' } },
};

/** Why the blob store refused an attachment, in plain words and numbered as the citizen chose them. */
const attachmentMessages: Readonly<Record<string, (n: number, limit: number | undefined) => Bilingual>> = {
  BLOB_TYPE_NOT_ALLOWED: (n) => ({ 'zh-CN': `第 ${n} 个文件的类型无法上传,请上传图片、语音或视频`, en: `File ${n} is of a type we cannot accept; please add a picture, voice recording or video.` }),
  BLOB_CONTENT_MISMATCH: (n) => ({ 'zh-CN': `第 ${n} 个文件不是有效的图片、语音或视频`, en: `File ${n} is not a real picture, voice recording or video.` }),
  BLOB_TOO_LARGE: (n, limit) =>
    limit === undefined
      ? { 'zh-CN': `第 ${n} 个文件过大`, en: `File ${n} is too large.` }
      : { 'zh-CN': `第 ${n} 个文件过大,这类文件不能超过 ${formatSize(limit)}`, en: `File ${n} is too large; files of this kind must be at most ${formatSize(limit)}.` },
  BLOB_EMPTY: (n) => ({ 'zh-CN': `第 ${n} 个文件是空的`, en: `File ${n} is empty.` }),
};

/** The field refusal for an attachment the blob store would not keep (`attachments.0`), in plain words. */
export const refusedAttachment = (index: number, error: DomainError): ValidationFailed => {
  const limit = error.details['limit'];
  const plain = Object.hasOwn(attachmentMessages, error.code) ? attachmentMessages[error.code]!(index + 1, typeof limit === 'number' ? limit : undefined) : undefined;
  const en = typeof error.details['en'] === 'string' ? error.details['en'] : error.message;
  return invalidField(`attachments.${index}`, plain ?? { 'zh-CN': error.message, en });
};

export interface ParsedRatingForm {
  readonly form: RatingForm;
  readonly files: readonly File[];
}

/** Builds the plain object the schema checks from the posted fields, keeping every value as posted. */
const formObject = (data: FormData | URLSearchParams): Record<string, unknown> => {
  const answers: Record<string, unknown> = {};
  const object: Record<string, unknown> = { answers, reasons: [] as unknown[] };
  for (const [key, value] of data.entries()) {
    if (typeof value !== 'string') continue;
    if (key.startsWith('answers.')) answers[key.slice('answers.'.length)] = value;
    else if (key === 'reasons') (object['reasons'] as unknown[]).push(value);
    else if (key === 'overall' || key === 'comment' || key === 'anonymous' || key === 'via') {
      // A field posted twice is ambiguous: keep both so the schema refuses it.
      object[key] = key in object ? [object[key], value] : value;
    }
  }
  return object;
};

/** Validates the posted form; throws ValidationFailed naming each field (`overall`, `answers.SM01`, `attachments.0`). */
export const parseRatingForm = (data: FormData | URLSearchParams, limits: { maxFiles: number; maxBytesPerFile: number }): ParsedRatingForm => {
  const result = v.safeParse(ratingFormSchema, formObject(data));
  const issues: FieldIssue[] = result.success ? [] : fieldIssuesFromValibot(result.issues, '', formMessages);
  const files = data instanceof FormData ? data.getAll('attachments').filter((value): value is File => typeof value !== 'string' && value.size > 0) : [];
  if (files.length > limits.maxFiles) {
    issues.push({ field: 'attachments', message: { 'zh-CN': `最多上传 ${limits.maxFiles} 个文件`, en: `Please add at most ${limits.maxFiles} files.` } });
  }
  files.forEach((file, index) => {
    if (file.size > limits.maxBytesPerFile) {
      const most = formatSize(limits.maxBytesPerFile);
      issues.push({ field: `attachments.${index}`, message: { 'zh-CN': `第 ${index + 1} 个文件过大,每个文件不能超过 ${most}`, en: `File ${index + 1} is too large; each file must be at most ${most}.` } });
    }
  });
  if (!result.success || issues.length > 0) throw new ValidationFailed(issues);
  return { form: { ...result.output, ...(result.output.comment ? { comment: maskFreeText(result.output.comment) } : {}) }, files };
};
