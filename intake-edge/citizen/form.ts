import * as v from 'valibot';
import type { FieldIssue } from '../../core/http/field-errors.ts';
import { fieldIssuesFromValibot, ValidationFailed } from '../../core/http/field-errors.ts';
import { maskFreeText } from '../../core/pii/mask.ts';
import type { SatisfactionLevel } from '../../core/questionnaire/types.ts';

const level = v.pipe(v.string(), v.picklist(['1', '2', '3', '4', '5'], '请选择 1–5 之间的评价等级'), v.transform((text) => Number(text) as SatisfactionLevel));
const indicatorCode = v.pipe(v.string(), v.regex(/^[A-Z]{1,4}\d{2,3}$/));

/** The rating form as posted (urlencoded or multipart); answers arrive as `answers.SM01=4`. */
export const ratingFormSchema = v.object({
  overall: level,
  answers: v.pipe(v.record(indicatorCode, level), v.check((record) => Object.keys(record).length <= 12, 'at most 12 answers')),
  reasons: v.pipe(v.array(v.pipe(v.string(), v.regex(/^[A-Z]{1,4}\d{2,3}$/))), v.maxLength(20)),
  // A NUL cannot be stored in an event (jsonb refuses it); refused here with the field named.
  comment: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(500, '意见不超过 500 字'), v.check((text) => !text.includes('\u0000'), 'The comment holds a NUL character, which cannot be stored.'))),
  anonymous: v.optional(v.picklist(['1', 'on'])),
  via: v.optional(v.picklist(['sms', 'qr_case', 'qr_static'])),
});

export type RatingForm = v.InferOutput<typeof ratingFormSchema>;

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
  const issues: FieldIssue[] = result.success ? [] : fieldIssuesFromValibot(result.issues);
  const files = data instanceof FormData ? data.getAll('attachments').filter((value): value is File => typeof value !== 'string' && value.size > 0) : [];
  if (files.length > limits.maxFiles) {
    issues.push({ field: 'attachments', message: { 'zh-CN': `最多上传 ${limits.maxFiles} 个文件`, en: `At most ${limits.maxFiles} files.` } });
  }
  files.forEach((file, index) => {
    if (file.size > limits.maxBytesPerFile) {
      const mb = Math.floor(limits.maxBytesPerFile / 1024 / 1024);
      issues.push({ field: `attachments.${index}`, message: { 'zh-CN': `文件不能超过 ${mb} MB`, en: `Files must be at most ${mb} MB.` } });
    }
  });
  if (!result.success || issues.length > 0) throw new ValidationFailed(issues);
  return { form: { ...result.output, ...(result.output.comment ? { comment: maskFreeText(result.output.comment) } : {}) }, files };
};
