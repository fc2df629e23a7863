import { Hono } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { html } from 'hono/html';
import { sql } from 'kysely';
import * as v from 'valibot';
import { bodyLimit } from '../../core/http/body-limit.ts';
import { fieldIssuesFromValibot, invalidField, ValidationFailed } from '../../core/http/field-errors.ts';
import type { LinkTokens } from '../../core/invitation/token.ts';
import type { RatingSubject } from '../../core/invitation/types.ts';
import { DomainError } from '../../core/shared/errors.ts';
import type { IntakeConfig } from '../config.ts';
import type { IntakeDeps } from '../deps.ts';
import { issueInvitation } from '../invitations/issue.ts';
import type { QuestionnaireSource } from '../questionnaires.ts';
import { messagePage, page, withParam } from '../citizen/layout.ts';
import { m } from '../citizen/messages.ts';
import { pageView, wantsJson } from '../citizen/view.ts';
import { describeRoute } from '../../core/http/openapi.ts';
import { resolver } from 'hono-openapi';
import { intakeDocs, pageOrProblem } from '../openapi.ts';

type StaticQrDeps = IntakeDeps & { tokens: LinkTokens; questionnaires: QuestionnaireSource };

const findWindow = (config: IntakeConfig, hallCode: string, windowCode: string) => {
  const hall = config.halls.find((candidate) => candidate.code === hallCode);
  const window = hall?.windows.find((candidate) => candidate.code === windowCode);
  return hall && window ? { hall, window } : null;
};

const matterFormSchema = v.object({ matter: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_.-]{1,64}$/)) });

/**
 * Counts one scan in a fixed one-hour window; true while under the limit. Buckets per device and
 * window (the device id is a cookie), plus a looser cap per window for clients that drop cookies.
 */
const underLimit = async (deps: StaticQrDeps, bucket: string, limit: number): Promise<boolean> => {
  const now = deps.clock.now();
  const windowStart = new Date(Math.floor(now.getTime() / 3_600_000) * 3_600_000);
  const row = await deps.db
    .insertInto('app.intake_rate_limits')
    .values({ bucket, window_start: windowStart, hits: 1 })
    .onConflict((conflict) => conflict.columns(['bucket', 'window_start']).doUpdateSet({ hits: sql`app.intake_rate_limits.hits + 1` }))
    .returning('hits')
    .executeTakeFirstOrThrow();
  return Number(row.hits) <= limit;
};

/** Static QR codes per hall and window (`/q/:hall/:window`): one tap on the matter, then the questionnaire. */
export const staticQrRoutes = (deps: StaticQrDeps) => {
  const app = new Hono();

  app.get('/q/:hall/:window', intakeDocs.staticQrPage, (c) => {
    const view = pageView(c);
    const found = findWindow(deps.config, c.req.param('hall'), c.req.param('window'));
    if (!found) return c.html(messagePage(view, m.unknownWindowTitle[view.lang], [m.unknownWindowBody[view.lang]]), 404);
    const action = withParam(view.url, 'lang', view.lang);
    return c.html(
      page(
        view,
        m.chooseMatterTitle[view.lang],
        html`<div class="card"><h1>${m.chooseMatterTitle[view.lang]}</h1><p class="muted">${found.hall.name} · ${found.window.name}<br>${m.chooseMatterHint[view.lang]}</p>
<div class="matters">${found.window.matters.map(
          (matter) => html`<form method="post" action="${action}"><input type="hidden" name="matter" value="${matter.code}"><button type="submit">${matter.name}</button></form>`,
        )}</div></div>`,
      ),
    );
  });

  app.post(
    '/q/:hall/:window',
    describeRoute({
      tags: ['QR'],
      summary: 'Choose the matter: issues an invitation and redirects to its questionnaire',
      requestBody: { required: true, content: { 'application/x-www-form-urlencoded': { schema: resolver(matterFormSchema) } } },
      responses: { 303: { description: 'To the questionnaire' }, ...pageOrProblem(400, 404, 422, 429) },
    }),
    // One matter code: a few bytes, so a larger body is refused before it is read.
    bodyLimit({ maxSize: 4096, onError: () => { throw invalidField('body', { 'zh-CN': '提交内容过大', en: 'The form is too large.' }, 400); } }),
    async (c) => {
    const view = pageView(c);
    const found = findWindow(deps.config, c.req.param('hall'), c.req.param('window'));
    if (!found) {
      if (wantsJson(c)) throw invalidField('path', { 'zh-CN': m.unknownWindowTitle['zh-CN'], en: m.unknownWindowTitle.en });
      return c.html(messagePage(view, m.unknownWindowTitle[view.lang], [m.unknownWindowBody[view.lang]]), 404);
    }
    let body: Record<string, unknown>;
    try {
      body = (await c.req.parseBody()) as Record<string, unknown>;
    } catch {
      throw invalidField('body', { 'zh-CN': '表单内容无法读取', en: 'The form data could not be read.' }, 400);
    }
    const parsed = v.safeParse(matterFormSchema, body);
    if (!parsed.success) throw new ValidationFailed(fieldIssuesFromValibot(parsed.issues));
    const matter = found.window.matters.find((candidate) => candidate.code === parsed.output.matter);
    if (!matter) throw invalidField('matter', { 'zh-CN': '本窗口没有该事项', en: 'This window does not handle that matter.' });

    let device = getCookie(c, 'pg_dev');
    if (!device || !/^[0-9A-Za-z]{22}$/.test(device)) {
      device = deps.ids.deviceId();
      setCookie(c, 'pg_dev', device, { path: '/q', maxAge: 31_536_000, httpOnly: true, sameSite: 'Lax' });
    }
    const windowKey = `${found.hall.code}/${found.window.code}`;
    const perDevice = deps.config.staticQr.scansPerDevicePerWindowPerHour;
    const allowed = (await underLimit(deps, `qr:${device}:${windowKey}`, perDevice)) && (await underLimit(deps, `qr:*:${windowKey}`, perDevice * 60));
    if (!allowed) {
      if (wantsJson(c)) {
        throw new DomainError('STATIC_QR_RATE_LIMITED', m.tooManyBody['zh-CN'], { status: 429, details: { en: m.tooManyBody.en, field: 'device' } });
      }
      return c.html(messagePage(view, m.tooManyTitle[view.lang], [m.tooManyBody[view.lang]]), 429);
    }

    const subject: RatingSubject = {
      caseId: null,
      caseNumber: null,
      matter,
      department: found.window.department,
      hall: { code: found.hall.code, name: found.hall.name },
      window: { code: found.window.code, name: found.window.name },
      staff: null,
      applicantType: 'unknown',
      enterpriseType: null,
      regionCode: found.hall.regionCode,
      stage: 'concluded',
      progress: 'on_time',
    };
    const issued = await issueInvitation(deps, { invitationId: deps.ids.invitationId(), channel: 'qr_static', trigger: 'static_qr', subject, recipient: null });
    return c.redirect(`/e/${issued.token}?lang=${view.lang}`, 303);
  },
  );
  return app;
};
