import { vValidator } from '@hono/valibot-validator';
import type { Context, ErrorHandler, NotFoundHandler, ValidationTargets } from 'hono';
import type { GenericSchema } from 'valibot';
import { fieldIssuesFromValibot, ValidationFailed } from './field-errors.ts';
import { chooseLang } from './lang.ts';
import { problemResponse, toProblem } from './problem.ts';

export interface ProblemHandlerOptions {
  /** Told about every 5xx (a bug); never about 4xx. Must not log request bodies (they hold personal data). */
  readonly onBug?: (error: unknown, context: { method: string; path: string }) => void;
}

/**
 * `app.onError(problemJson())`: every thrown error leaves as problem+json in the caller's language.
 *
 * @example
 *   const app = new Hono();
 *   app.onError(problemJson({ onBug: (e) => console.error(e) }));
 *   app.notFound(problemNotFound());
 */
export const problemJson = (options: ProblemHandlerOptions = {}): ErrorHandler =>
  function problemJsonHandler(error, c) {
    const lang = chooseLang(c.req.raw);
    const problem = toProblem(error, lang, new URL(c.req.url).pathname);
    if (problem.status >= 500) options.onBug?.(error, { method: c.req.method, path: c.req.path });
    return problemResponse(problem, lang);
  };

export const problemNotFound = (): NotFoundHandler =>
  function problemNotFoundHandler(c) {
    const lang = chooseLang(c.req.raw);
    return problemResponse(
      {
        type: 'urn:pinggai:problem:NOT_FOUND',
        title: lang === 'en' ? 'Not found' : '未找到',
        status: 404,
        detail: lang === 'en' ? 'No such resource.' : '没有这个地址。',
        code: 'NOT_FOUND',
        errors: [{ field: 'path', message: c.req.path }],
      },
      lang,
    );
  };

/**
 * Hono's valibot validator, failing the PingGai way: a ValidationFailed (422) naming every field by
 * its dotted path under the target (`json` paths are bare: `case.matter.code`; others are prefixed:
 * `query.lang`). The error handler renders it.
 *
 * @example
 *   app.post('/api/v1/things', validate('json', thingSchema), (c) => c.json(c.req.valid('json')));
 */
export const validate = <Schema extends GenericSchema, Target extends keyof ValidationTargets>(target: Target, schema: Schema) =>
  vValidator(target, schema, (result, _c: Context) => {
    if (!result.success) {
      throw new ValidationFailed(fieldIssuesFromValibot(result.issues, target === 'json' ? '' : target));
    }
  });
