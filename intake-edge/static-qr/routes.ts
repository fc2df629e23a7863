import type { Context } from 'hono';
import { Hono } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { html } from 'hono/html';
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
import type { PageView } from '../citizen/layout.ts';
import { messagePage, page, withParam } from '../citizen/layout.ts';
import { m } from '../citizen/messages.ts';
import { pageView, wantsJson } from '../citizen/view.ts';
import { addressBucket, clientAddress } from './client-address.ts';
import type { StaticQrSigning } from './device.ts';
import { staticQrSigning } from './device.ts';
import { qm } from './messages.ts';
import { countHit, minutesLeftInWindow, RATE_WINDOW_MS, windowStartOf } from './rate-limit.ts';
import { describeRoute } from '../../core/http/openapi.ts';
import { resolver } from 'hono-openapi';
import { intakeDocs, pageOrProblem } from '../openapi.ts';

type StaticQrDeps = IntakeDeps & { tokens: LinkTokens; questionnaires: QuestionnaireSource };

type FoundWindow = { hall: IntakeConfig['halls'][number]; window: IntakeConfig['halls'][number]['windows'][number] };

const findWindow = (config: IntakeConfig, hallCode: string, windowCode: string): FoundWindow | null => {
  const hall = config.halls.find((candidate) => candidate.code === hallCode);
  const window = hall?.windows.find((candidate) => candidate.code === windowCode);
  return hall && window ? { hall, window } : null;
};

const matterFormSchema = v.object({ matter: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_.-]{1,64}$/)) });

const DEVICE_COOKIE = 'pg_dev';

/** The device id of the request's signed cookie; without one, a fresh id is signed and set on the response. */
const deviceOfRequest = (c: Context, ids: IntakeDeps['ids'], signing: StaticQrSigning): { id: string; issued: boolean } => {
  const known = signing.deviceOf(getCookie(c, DEVICE_COOKIE));
  if (known) return { id: known, issued: false };
  const id = ids.deviceId();
  setCookie(c, DEVICE_COOKIE, signing.deviceCookie(id), { path: '/q', maxAge: 31_536_000, httpOnly: true, sameSite: 'Lax' });
  return { id, issued: true };
};

/** The window's matters, one button each; `note` says why the page is shown again after a tap. */
const matterPage = (view: PageView, found: FoundWindow, note?: string) =>
  page(
    view,
    m.chooseMatterTitle[view.lang],
    html`<div class="card"><h1>${m.chooseMatterTitle[view.lang]}</h1>${note ? html`<p role="status"><strong>${note}</strong></p>` : ''}<p class="muted">${found.hall.name} · ${found.window.name}<br>${m.chooseMatterHint[view.lang]}</p>
<div class="matters">${found.window.matters.map(
      (matter) => html`<form method="post" action="${withParam(view.url, 'lang', view.lang)}"><input type="hidden" name="matter" value="${matter.code}"><button type="submit">${matter.name}</button></form>`,
    )}</div></div>`,
  );

type Refusal = 'device' | 'address' | 'window';

/**
 * Counts one scan that would be served an invitation, in fixed one-hour windows: per device (the
 * signed cookie), per client address, then per window for everyone together. A scan refused by one
 * bucket is not counted in the later ones: only scans that would have been served reach the ceiling.
 */
const refusalOf = async (deps: StaticQrDeps, signing: StaticQrSigning, c: Context, device: string, found: FoundWindow): Promise<Refusal | null> => {
  const limits = deps.config.staticQr;
  const windowKey = `${found.hall.code}/${found.window.code}`;
  if ((await countHit(deps, `qr:device:${device}:${windowKey}`)) > limits.scansPerDevicePerWindowPerHour) return 'device';
  const address = signing.addressTag(addressBucket(clientAddress(c, deps.config.trustedProxyHops)));
  if ((await countHit(deps, `qr:address:${address}:${windowKey}`)) > limits.scansPerAddressPerWindowPerHour) return 'address';
  const hits = await countHit(deps, `qr:window:${windowKey}`);
  if (hits <= limits.scansPerWindowPerHour) return null;
  if (hits === limits.scansPerWindowPerHour + 1) {
    // Once per window and hour: staff should look at this window's ratings for a flood of fakes.
    const until = new Date(windowStartOf(deps.clock.now()).getTime() + RATE_WINDOW_MS).toISOString();
    deps.log?.(
      `[static QR] warning: rating paused at hall ${found.hall.code} (${found.hall.name}) window ${found.window.code} (${found.window.name}) until ${until}: more than ${limits.scansPerWindowPerHour} scans this hour, an unusual number; check its recent ratings`,
    );
  }
  return 'window';
};

/** The refusal as a page (in the citizen's language) or, for API clients, problem+json; never a bug (no 5xx). */
const refuse = (c: Context, view: PageView, refusal: Refusal, minutes: number) => {
  const [code, field, title, body] =
    refusal === 'device'
      ? (['STATIC_QR_RATE_LIMITED', 'device', m.tooManyTitle, m.tooManyBody] as const)
      : refusal === 'address'
        ? (['STATIC_QR_ADDRESS_RATE_LIMITED', 'address', qm.addressLimitedTitle, qm.addressLimitedBody(minutes)] as const)
        : (['STATIC_QR_WINDOW_PAUSED', 'window', qm.windowPausedTitle, qm.windowPausedBody(minutes)] as const);
  if (wantsJson(c)) throw new DomainError(code, body['zh-CN'], { status: 429, details: { en: body.en, field } });
  c.header('retry-after', String(minutes * 60));
  return c.html(messagePage(view, title[view.lang], [body[view.lang]]), 429);
};

/** Static QR codes per hall and window (`/q/:hall/:window`): one tap on the matter, then the questionnaire. */
export const staticQrRoutes = (deps: StaticQrDeps) => {
  const app = new Hono();
  const signing = staticQrSigning(deps.config.linkTokens);

  app.get('/q/:hall/:window', intakeDocs.staticQrPage, (c) => {
    const view = pageView(c);
    const found = findWindow(deps.config, c.req.param('hall'), c.req.param('window'));
    if (!found) return c.html(messagePage(view, m.unknownWindowTitle[view.lang], [m.unknownWindowBody[view.lang]]), 404);
    deviceOfRequest(c, deps.ids, signing);
    return c.html(matterPage(view, found));
  });

  app.post(
    '/q/:hall/:window',
    describeRoute({
      tags: ['QR'],
      summary: 'Choose the matter: issues an invitation and redirects to its questionnaire',
      requestBody: { required: true, content: { 'application/x-www-form-urlencoded': { schema: resolver(matterFormSchema) } } },
      responses: { 200: { description: 'The matter page again, with a fresh device cookie, when the request had none this server signed' }, 303: { description: 'To the questionnaire' }, ...pageOrProblem(400, 404, 422, 428, 429) },
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

    const device = deviceOfRequest(c, deps.ids, signing);
    if (device.issued) {
      // No device cookie we signed (lost, blocked, or made up): no invitation, the choice again.
      if (wantsJson(c)) {
        throw new DomainError('STATIC_QR_DEVICE_REQUIRED', '请先打开本窗口的评价页面,再选择业务', {
          status: 428,
          details: { en: 'Open this window’s page first (it sets the device cookie), then choose the matter.', field: 'cookie.pg_dev' },
        });
      }
      return c.html(matterPage(view, found, qm.tapAgain[view.lang]));
    }
    const refusal = await refusalOf(deps, signing, c, device.id, found);
    if (refusal) return refuse(c, view, refusal, minutesLeftInWindow(deps.clock.now()));

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
