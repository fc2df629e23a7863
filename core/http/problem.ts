import { HTTPException } from 'hono/http-exception';
import { DomainError } from '../shared/errors.ts';
import type { FieldError } from './field-errors.ts';
import { renderFieldErrors, ValidationFailed } from './field-errors.ts';
import type { Bilingual, Lang } from './lang.ts';

/** An RFC 9457 problem document, with PingGai's stable `code` and, for input errors, the fields. */
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly code: string;
  readonly instance?: string;
  readonly errors?: readonly FieldError[];
}

export const problemContentType = 'application/problem+json; charset=utf-8';

const titles: Record<number, Bilingual> = {
  400: { 'zh-CN': '请求无法读取', en: 'Bad request' },
  401: { 'zh-CN': '未通过身份验证', en: 'Unauthorized' },
  403: { 'zh-CN': '无权操作', en: 'Forbidden' },
  404: { 'zh-CN': '未找到', en: 'Not found' },
  409: { 'zh-CN': '与当前状态冲突', en: 'Conflict' },
  410: { 'zh-CN': '已失效', en: 'Gone' },
  413: { 'zh-CN': '内容过大', en: 'Payload too large' },
  415: { 'zh-CN': '不支持的内容类型', en: 'Unsupported media type' },
  422: { 'zh-CN': '内容校验未通过', en: 'Validation failed' },
  429: { 'zh-CN': '请求过于频繁', en: 'Too many requests' },
  500: { 'zh-CN': '服务器内部错误', en: 'Internal server error' },
};

const titleFor = (status: number, lang: Lang): string =>
  (titles[status] ?? (status >= 500 ? titles[500]! : titles[400]!))[lang];

/** The detail of a DomainError in the chosen language: `details.en` holds the English text when given. */
const domainDetail = (error: DomainError, lang: Lang): string =>
  lang === 'en' && typeof error.details['en'] === 'string' ? error.details['en'] : error.message;

/** Domain errors may name the field they refuse (`details.field`); the problem then lists it. */
const domainFieldErrors = (error: DomainError, lang: Lang): FieldError[] | undefined => {
  const field = error.details['field'];
  return typeof field === 'string' ? [{ field, message: domainDetail(error, lang) }] : undefined;
};

const codeFromStatus = (status: number): string =>
  ({ 400: 'REQUEST_UNREADABLE', 401: 'UNAUTHORIZED', 404: 'NOT_FOUND', 405: 'METHOD_NOT_ALLOWED', 413: 'PAYLOAD_TOO_LARGE', 415: 'UNSUPPORTED_MEDIA_TYPE' })[
    status
  ] ?? `HTTP_${status}`;

/** Says what is wrong, not where to look: the first field and its message, and how many more. */
const validationDetail = (errors: readonly { field: string; message: string }[], lang: Lang): string => {
  const [first] = errors;
  if (!first) return lang === 'en' ? 'Some fields are not valid.' : '部分内容不符合要求。';
  const more = errors.length - 1;
  return lang === 'en'
    ? `Not valid: ${first.field}: ${first.message}${more > 0 ? ` (and ${more} more)` : ''}`
    : `内容不符合要求:${first.field}:${first.message}${more > 0 ? `(另有 ${more} 处)` : ''}`;
};

/**
 * The one place where errors become problem+json. A DomainError keeps its status and code; a
 * validation failure lists every field by its dotted path; Hono's own HTTP exceptions (unreadable
 * JSON, body limits) become 4xx; anything else is a bug: 500 with no internals.
 */
export const toProblem = (error: unknown, lang: Lang, instance?: string): Problem => {
  const base = instance ? { instance } : {};
  if (error instanceof ValidationFailed) {
    const errors = renderFieldErrors(error.issues, lang);
    return {
      type: `urn:pinggai:problem:${error.code}`,
      title: titleFor(error.status, lang),
      status: error.status,
      detail: validationDetail(errors, lang),
      code: error.code,
      errors,
      ...base,
    };
  }
  if (error instanceof DomainError) {
    const errors = domainFieldErrors(error, lang);
    return {
      type: `urn:pinggai:problem:${error.code}`,
      title: titleFor(error.status, lang),
      status: error.status,
      detail: domainDetail(error, lang),
      code: error.code,
      ...(errors ? { errors } : {}),
      ...base,
    };
  }
  if (error instanceof HTTPException && error.status < 500) {
    const code = codeFromStatus(error.status);
    return {
      type: `urn:pinggai:problem:${code}`,
      title: titleFor(error.status, lang),
      status: error.status,
      detail: error.message || titleFor(error.status, lang),
      code,
      errors: [{ field: 'body', message: error.message || titleFor(error.status, lang) }],
      ...base,
    };
  }
  return {
    type: 'urn:pinggai:problem:INTERNAL',
    title: titleFor(500, lang),
    status: 500,
    detail: lang === 'en' ? 'Something went wrong on our side; it has been logged.' : '服务器出现问题,已记录。',
    code: 'INTERNAL',
    ...base,
  };
};

export const problemResponse = (problem: Problem, lang: Lang, headers: Record<string, string> = {}): Response =>
  new Response(JSON.stringify(problem), {
    status: problem.status,
    headers: { 'content-type': problemContentType, 'content-language': lang, ...headers },
  });
