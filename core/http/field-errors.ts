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
 * The request was read but breaks the schema: 422. Both name the fields.
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

/** Turns valibot issues into field issues; `prefix` names the root (e.g. `body`) when the path is empty. */
export const fieldIssuesFromValibot = (issues: readonly BaseIssue<unknown>[], prefix = ''): FieldIssue[] =>
  issues.map((issue) => {
    const path = getDotPath(issue);
    const field = path ? (prefix ? `${prefix}.${path}` : path) : prefix || '$';
    const missing = issue.input === undefined && issue.kind === 'schema';
    const zh = missing ? '必填' : (zhByType[issue.type] ?? '格式不正确');
    const en = missing ? `required (${issue.message})` : issue.message;
    return { field, message: { 'zh-CN': zh, en } };
  });

export const renderFieldErrors = (issues: readonly FieldIssue[], lang: Lang): FieldError[] =>
  issues.map((issue) => ({ field: issue.field, message: issue.message[lang] }));
