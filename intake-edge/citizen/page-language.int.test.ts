import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { samples } from '../../core/blobs/testing/samples.ts';
import { createPgliteEventStore } from '../../core/eventstore/pglite.ts';
import { createTestPglite } from '../../tests/support/databases.ts';
import { completeCaseAndGetToken } from '../tests/cases.ts';
import { form } from '../tests/fixtures.ts';
import type { Harness } from '../tests/harness.ts';
import { createHarness, testConfig } from '../tests/harness.ts';

/**
 * Every refusal a citizen reads on the rating page is in the page's language and in plain words:
 * no Chinese on the English page, no English on the Chinese one, no valibot text, no field paths.
 */
type Files = Parameters<typeof form>[1];
interface BadInput {
  readonly name: string;
  readonly fields?: Record<string, string | string[]>;
  readonly files?: Files;
  /** A raw body instead of a form. */
  readonly raw?: { body: string | Uint8Array<ArrayBuffer>; contentType: string };
  readonly status: number;
  readonly 'zh-CN': string;
  readonly en: string;
}

const KB = 1024;
const png = (name: string, bytes: Uint8Array) => ({ name, type: 'image/png', bytes });

const badInputs: readonly BadInput[] = [
  { name: 'no overall rating', fields: { comment: '没选' }, status: 422, 'zh-CN': '请选择总体评价', en: 'Please choose an overall rating.' },
  { name: 'overall out of range', fields: { overall: '9' }, status: 422, 'zh-CN': '请从五个等级中选择一项总体评价', en: 'Please choose one of the five overall ratings.' },
  { name: 'overall posted twice', fields: { overall: ['5', '4'] }, status: 422, 'zh-CN': '请从五个等级中选择一项总体评价', en: 'Please choose one of the five overall ratings.' },
  { name: 'detail rating out of range', fields: { overall: '5', 'answers.SM01': '9' }, status: 422, 'zh-CN': '分项评价请从五个等级中选择一项', en: 'Please choose one of the five ratings for each detail.' },
  { name: 'comment too long', fields: { overall: '5', comment: '长'.repeat(501) }, status: 422, 'zh-CN': '意见建议不能超过 500 字', en: 'Please keep your comment to 500 characters or fewer.' },
  { name: 'comment with a NUL', fields: { overall: '5', comment: 'a\u0000b' }, status: 422, 'zh-CN': '意见建议中含有无法保存的字符', en: 'Your comment holds a character we cannot store' },
  { name: 'malformed reason code', fields: { overall: '2', reasons: ['r-1'] }, status: 422, 'zh-CN': '请从列表中选择不满意的原因', en: 'Please choose what went wrong from the list.' },
  { name: 'unknown reason code', fields: { overall: '2', reasons: ['R77'] }, status: 422, 'zh-CN': '未知的原因代码 R77', en: 'Unknown reason code R77.' },
  {
    name: 'a PNG that is really HTML',
    fields: { overall: '5' },
    files: [png('photo.png', samples.html(512))],
    status: 422,
    'zh-CN': '第 1 个文件不是有效的图片、语音或视频',
    en: 'File 1 is not a real picture, voice recording or video.',
  },
  {
    name: 'a file type that is not allowed',
    fields: { overall: '5' },
    files: [{ name: 'doc.pdf', type: 'application/pdf', bytes: samples.pdf(512) }],
    status: 422,
    'zh-CN': '第 1 个文件的类型无法上传,请上传图片、语音或视频',
    en: 'File 1 is of a type we cannot accept; please add a picture, voice recording or video.',
  },
  {
    name: 'a file over the per-file limit',
    fields: { overall: '5' },
    files: [png('a.png', samples.png(4 * KB)), png('b.png', samples.png(80 * KB))],
    status: 422,
    'zh-CN': '第 2 个文件过大,每个文件不能超过 64 KB',
    en: 'File 2 is too large; each file must be at most 64 KB.',
  },
  {
    name: 'too many files',
    fields: { overall: '5' },
    files: [png('a.png', samples.png()), png('b.png', samples.png()), png('c.png', samples.png())],
    status: 422,
    'zh-CN': '最多上传 2 个文件',
    en: 'Please add at most 2 files.',
  },
  {
    name: 'an upload over the total limit',
    fields: { overall: '5' },
    files: [png('a.png', samples.png(300 * KB))],
    status: 400,
    'zh-CN': '上传的文件总量过大',
    en: 'The files are too large altogether; please add fewer or smaller files.',
  },
  { name: 'a body that is not a form', raw: { body: 'overall=5', contentType: 'text/plain' }, status: 400, 'zh-CN': '请以表单方式提交', en: 'Submit the form as multipart/form-data or urlencoded.' },
];

const CJK = /[\u3400-\u9fff\uff00-\uffef]/;
// What valibot says and what a field path looks like: neither is for citizens.
const MACHINE = /Invalid (key|type|format|length)|Expected|received|required \(|\(overall\)|attachments\.\d|answers\./;

/** The text of the card that says what is wrong: the questionnaire's error list or the refusal page. */
const refusalText = (page: string): string => {
  const card = /<div class="card errors"[^>]*>([\s\S]*?)<\/div>/.exec(page) ?? /<div class="card" role="status">([\s\S]*?)<\/div>/.exec(page);
  expect(card, 'a card saying what is wrong').not.toBeNull();
  return card![1]!.replace(/<[^>]+>/g, ' ').replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&');
};

describe('refusals on the citizen page speak the page’s language, plainly', () => {
  let harness: Harness;
  let token: string;
  let close: () => Promise<void>;

  beforeAll(async () => {
    const { pglite, db } = await createTestPglite();
    const store = createPgliteEventStore({ pglite, db });
    harness = await createHarness({ store, db }, { config: { ...testConfig, uploads: { maxFiles: 2, maxBytesPerFile: 64 * KB } } });
    token = (await completeCaseAndGetToken(harness)).token;
    close = async () => {
      await harness.close();
      await store.close();
      await pglite.close();
    };
  });
  afterAll(async () => {
    await close?.();
  });

  const post = (input: BadInput, query: string, accept = 'text/html') =>
    harness.app.request(`/e/${token}${query}`, {
      method: 'POST',
      body: input.raw ? input.raw.body : form(input.fields ?? {}, input.files),
      headers: { accept, ...(input.raw ? { 'content-type': input.raw.contentType } : {}) },
    });

  describe.each(badInputs)('$name', (input) => {
    it('?lang=en: the English message, no Chinese, no machine text', async () => {
      const response = await post(input, '?lang=en');
      expect(response.status).toBe(input.status);
      const text = refusalText(await response.text());
      expect(text).toContain(input.en);
      expect(text).not.toMatch(CJK);
      expect(text).not.toMatch(MACHINE);
    });

    it('zh-CN (the default): the Chinese message, not the English one, no machine text', async () => {
      const response = await post(input, '');
      expect(response.status).toBe(input.status);
      const text = refusalText(await response.text());
      expect(text).toContain(input['zh-CN']);
      expect(text).not.toContain(input.en);
      expect(text).not.toMatch(MACHINE);
      expect(text).not.toMatch(/\b(?!MB\b|KB\b|R77\b)[A-Za-z]{2,}/);
    });
  });

  it('the API still names the field, in the language asked for', async () => {
    const problem = (await (await post(badInputs[0]!, '?lang=en', 'application/json')).json()) as { errors: { field: string; message: string }[] };
    expect(problem.errors).toEqual([{ field: 'overall', message: 'Please choose an overall rating.' }]);
    const file = (await (await post(badInputs[8]!, '', 'application/json')).json()) as { errors: { field: string; message: string }[] };
    expect(file.errors).toEqual([{ field: 'attachments.0', message: '第 1 个文件不是有效的图片、语音或视频' }]);
  });

  it('refused input stores nothing', async () => {
    expect(await harness.eventsOfType('EvaluationSubmitted')).toHaveLength(0);
  });
});
