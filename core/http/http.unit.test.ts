import { Hono } from 'hono';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../shared/errors.ts';
import type { FieldMessages } from './field-errors.ts';
import { fieldIssuesFromValibot } from './field-errors.ts';
import { problemJson, problemNotFound, validate } from './hono.ts';
import { chooseLang, langFromAcceptLanguage } from './lang.ts';
import { apiDocs } from './openapi.ts';

const app = new Hono();
app.onError(problemJson());
app.notFound(problemNotFound());
app.post('/things', validate('json', v.object({ case: v.object({ matter: v.object({ code: v.pipe(v.string(), v.minLength(1)) }) }) })), (c) => c.json(c.req.valid('json')));
app.get('/search', validate('query', v.object({ page: v.pipe(v.string(), v.regex(/^\d+$/)) })), (c) => c.text('ok'));
app.get('/refuse', () => {
  throw new DomainError('WARNING_ALREADY_DISPATCHED', '该预警已派单', { status: 409, details: { en: 'Already dispatched.' } });
});
app.get('/bug', () => {
  throw new Error('connection string postgres://secret@db');
});

describe('problem+json in one place', () => {
  it('valibot issues become 422 naming each field by its dotted path, in the chosen language', async () => {
    const response = await app.request('/things', { method: 'POST', body: JSON.stringify({ case: { matter: {} } }), headers: { 'content-type': 'application/json' } });
    expect(response.status).toBe(422);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const problem = await response.json();
    expect(problem).toMatchObject({ status: 422, code: 'VALIDATION_FAILED', errors: [{ field: 'case.matter.code', message: '必填' }] });
    // The detail says what is wrong (a client that shows only the detail still tells its user).
    expect(problem.detail).toBe('内容不符合要求:case.matter.code:必填');
    const english = await (await app.request('/things?lang=en', { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } })).json();
    expect(english.title).toBe('Validation failed');
    expect(english.errors[0].field).toBe('case');
    expect(english.detail).toMatch(/^Not valid: case: /);
  });

  it('non-body targets are prefixed (query.page); unreadable JSON is 400 naming the body', async () => {
    expect((await (await app.request('/search?page=x')).json()).errors[0].field).toBe('query.page');
    const broken = await app.request('/things', { method: 'POST', body: '{', headers: { 'content-type': 'application/json' } });
    expect(broken.status).toBe(400);
    expect((await broken.json()).errors[0].field).toBe('body');
  });

  it('a DomainError keeps its status and code, with the English text on request', async () => {
    const zh = await (await app.request('/refuse')).json();
    expect(zh).toMatchObject({ status: 409, code: 'WARNING_ALREADY_DISPATCHED', detail: '该预警已派单' });
    const en = await (await app.request('/refuse', { headers: { 'accept-language': 'en-GB,en;q=0.8' } })).json();
    expect(en.detail).toBe('Already dispatched.');
  });

  it('anything else is a 500 without internals; unknown paths are 404', async () => {
    const response = await app.request('/bug');
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(text).not.toContain('postgres://');
    expect(JSON.parse(text).code).toBe('INTERNAL');
    expect((await app.request('/nope')).status).toBe(404);
  });
});

describe('field messages of a form', () => {
  const schema = v.object({ overall: v.picklist(['1', '2']), comment: v.optional(v.pipe(v.string(), v.maxLength(3))), code: v.string() });
  const messages: FieldMessages = {
    overall: { missing: { 'zh-CN': '请选择', en: 'Please choose.' }, invalid: { 'zh-CN': '请重选', en: 'Please choose again.' } },
    comment: { invalid: { 'zh-CN': '无法读取', en: 'Unreadable.' }, byType: { max_length: { 'zh-CN': '太长', en: 'Too long.' } } },
  };
  const issues = (input: unknown) => {
    const result = v.safeParse(schema, input);
    return result.success ? [] : fieldIssuesFromValibot(result.issues, '', messages);
  };

  it('uses the form’s own words: missing, by issue type, else invalid; generic words for fields it does not name', () => {
    expect(issues({ code: 'x' })).toEqual([{ field: 'overall', message: { 'zh-CN': '请选择', en: 'Please choose.' } }]);
    expect(issues({ overall: '9', code: 'x' })).toEqual([{ field: 'overall', message: { 'zh-CN': '请重选', en: 'Please choose again.' } }]);
    expect(issues({ overall: '1', comment: 'long', code: 'x' })).toEqual([{ field: 'comment', message: { 'zh-CN': '太长', en: 'Too long.' } }]);
    expect(issues({ overall: '1', comment: 4, code: 'x' })).toEqual([{ field: 'comment', message: { 'zh-CN': '无法读取', en: 'Unreadable.' } }]);
    expect(issues({ overall: '1' })).toEqual([{ field: 'code', message: { 'zh-CN': '必填', en: expect.stringMatching(/^required \(/) } }]);
  });

  it('a field named like an Object property is not looked up on the prototype', () => {
    const result = v.safeParse(v.object({ constructor: v.string() }), { constructor: 5 });
    expect(result.success ? [] : fieldIssuesFromValibot(result.issues, '', messages)).toEqual([{ field: 'constructor', message: { 'zh-CN': '应为文本', en: expect.any(String) } }]);
  });
});

describe('language choice', () => {
  it('?lang= beats the cookie, which beats Accept-Language; zh-CN by default', () => {
    expect(chooseLang(new Request('http://x/'))).toBe('zh-CN');
    expect(chooseLang(new Request('http://x/', { headers: { 'accept-language': 'en' } }))).toBe('en');
    expect(chooseLang(new Request('http://x/', { headers: { 'accept-language': 'en', cookie: 'lang=zh-CN' } }))).toBe('zh-CN');
    expect(chooseLang(new Request('http://x/?lang=en', { headers: { cookie: 'lang=zh-CN' } }))).toBe('en');
    // A fragment is not part of the query, wherever it stands.
    expect(chooseLang(new Request('http://x/?lang=en#top', { headers: { cookie: 'lang=zh-CN' } }))).toBe('en');
    expect(chooseLang(new Request('http://x/p#x?lang=en', { headers: { cookie: 'lang=zh-CN' } }))).toBe('zh-CN');
    expect(langFromAcceptLanguage('fr-FR, zh-CN;q=0.5, en;q=0.7')).toBe('en');
    expect(langFromAcceptLanguage('de, en;q=0')).toBeUndefined();
  });
});

describe('API documentation page', () => {
  it('serves its own assets and nothing else: names inherited by every object are not assets', async () => {
    const docs = new Hono();
    docs.notFound(problemNotFound());
    apiDocs(docs, { title: 'Test API', description: 'for the test', specPath: '/openapi.json', docsPath: '/docs' });
    const css = await docs.request('/docs/assets/swagger-ui.css');
    expect([css.status, css.headers.get('content-type')]).toEqual([200, 'text/css; charset=utf-8']);
    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'nope.js']) {
      expect((await docs.request(`/docs/assets/${name}`)).status, name).toBe(404);
    }
  });
});
