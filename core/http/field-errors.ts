import type { BaseIssue } from 'valibot';
import { getDotPath } from 'valibot';
import { DomainError } from '../shared/errors.ts';
import type { Bilingual, Lang } from './lang.ts';

/** One problem with one field, named by its dotted path in the request (`case.matter.code`, `events.3.sequence`). */
export interface FieldError {
  readonly field: string;
  readonly message: string;
}

/** A field error before the language is chosen; rendered by the problem+json mapper. */
export interface FieldIssue {
  readonly field: string;
  readonly message: Bilingual;
}

/**
 * The request could not be read at all (malformed JSON, wrong content type, oversized): 400.
 * The request was read but breaks the schema: 422. Both name the fields. The message is English
 * for logs; what people read comes from `issues` in their language (`renderFieldErrors`).
 */
export class ValidationFailed extends DomainError {
  readonly issues: readonly FieldIssue[];

  constructor(issues: readonly FieldIssue[], options: { status?: 400 | 422; code?: string } = {}) {
    const status = options.status ?? 422;
    super(options.code ?? (status === 400 ? 'REQUEST_UNREADABLE' : 'VALIDATION_FAILED'), issues.map((i) => `${i.field}: ${i.message.en}`).join('; '), {
      status,
    });
    this.name = 'ValidationFailed';
    this.issues = issues;
  }
}

/** A single-field refusal, e.g. `fieldError('overall', {zh-CN: '请选择满意度', en: 'Choose a rating'})`. */
export const invalidField = (field: string, message: Bilingual, status: 400 | 422 = 422): ValidationFailed =>
  new ValidationFailed([{ field, message }], { status });

// Messages by valibot issue type; English falls back to valibot's own message, which is already precise.
const zhByType: Record<string, string> = {
  string: '应为文本',
  number: '应为数字',
  boolean: '应为是/否',
  object: '应为对象',
  array: '应为列表',
  picklist: '取值不在允许范围内',
  literal: '取值不正确',
  variant: '类型不正确',
  union: '格式不正确',
  integer: '应为整数',
  min_value: '数值过小',
  max_value: '数值过大',
  min_length: '内容过短或缺少',
  max_length: '内容过长',
  non_empty: '不能为空',
  regex: '格式不正确',
  iso_timestamp: '应为 ISO-8601 时间',
  iso_date_time: '应为 ISO-8601 时间',
  check: '内容不符合要求',
  safe_integer: '应为整数',
  strict_object: '含有不允许的字段',
  never: '不允许此字段',
};

/**
 * Plain words for a form's fields, for pages people read: keyed by the first segment of the field's
 * path (`answers` for `answers.SM01`), `missing` when the field was left out, else the message for
 * the valibot issue type, else `invalid`. Fields without an entry get the generic messages.
 *
 * @example
 *   const messages: FieldMessages = {
 *     overall: { missing: { 'zh-CN': '请选择总体评价', en: 'Please choose an overall rating.' }, invalid: { … } },
 *     comment: { invalid: { … }, byType: { max_length: { 'zh-CN': '意见不超过 500 字', en: '…' } } },
 *   };
 */
export interface FieldMessages {
  readonly [field: string]: { readonly missing?: Bilingual; readonly invalid: Bilingual; readonly byType?: Readonly<Record<string, Bilingual>> };
}

const fieldMessage = (messages: FieldMessages, path: string, issue: BaseIssue<unknown>, missing: boolean): Bilingual | undefined => {
  const root = path.split('.')[0]!;
  if (!Object.hasOwn(messages, root)) return undefined;
  const entry = messages[root]!;
  return (missing ? entry.missing : undefined) ?? (entry.byType && Object.hasOwn(entry.byType, issue.type) ? entry.byType[issue.type] : undefined) ?? entry.invalid;
};

/**
 * Turns valibot issues into field issues; `prefix` names the root (e.g. `body`) when the path is
 * empty; `messages` gives a form's own words for its fields (see FieldMessages).
 */
export const fieldIssuesFromValibot = (issues: readonly BaseIssue<unknown>[], prefix = '', messages: FieldMessages = {}): FieldIssue[] =>
  issues.map((issue) => {
    const path = getDotPath(issue);
    const field = path ? (prefix ? `${prefix}.${path}` : path) : prefix || '$';
    const missing = issue.input === undefined && issue.kind === 'schema';
    const own = path ? fieldMessage(messages, path, issue, missing) : undefined;
    if (own) return { field, message: own };
    const zh = missing ? '必填' : (zhByType[issue.type] ?? '格式不正确');
    const en = missing ? `required (${issue.message})` : issue.message;
    return { field, message: { 'zh-CN': zh, en } };
  });

export const renderFieldErrors = (issues: readonly FieldIssue[], lang: Lang): FieldError[] =>
  issues.map((issue) => ({ field: issue.field, message: issue.message[lang] }));
