import type { Context } from 'hono';
import { Hono } from 'hono';
import { handleCommand } from '../../core/decider/command-handler.ts';
import { fold } from '../../core/decider/decider.ts';
import type { RecordedEvent } from '../../core/eventstore/types.ts';
import { bodyLimit } from '../../core/http/body-limit.ts';
import type { FieldError } from '../../core/http/field-errors.ts';
import { invalidField, renderFieldErrors, ValidationFailed } from '../../core/http/field-errors.ts';
import type { Bilingual } from '../../core/http/lang.ts';
import type { InvitationState } from '../../core/invitation/decider.ts';
import { invitationDecider } from '../../core/invitation/decider.ts';
import type { InvitationEvent } from '../../core/invitation/events.ts';
import { invitationStreamId } from '../../core/invitation/events.ts';
import type { LinkTokens } from '../../core/invitation/token.ts';
import type { AttachmentRef, InvitationChannel } from '../../core/invitation/types.ts';
import { findVariant, isNegativeRating } from '../../core/questionnaire/variants.ts';
import { DomainError } from '../../core/shared/errors.ts';
import type { IntakeDeps } from '../deps.ts';
import type { QuestionnaireSource } from '../questionnaires.ts';
import type { RatingForm } from './form.ts';
import { parseRatingForm, refusedAttachment } from './form.ts';
import type { PageView } from './layout.ts';
import { messagePage } from './layout.ts';
import { m } from './messages.ts';
import { questionnairePage } from './questionnaire-page.ts';
import { pageView, wantsJson } from './view.ts';
import { intakeDocs } from '../openapi.ts';

type CitizenDeps = IntakeDeps & { tokens: LinkTokens; questionnaires: QuestionnaireSource };

const URLENCODED = /^application\/x-www-form-urlencoded\s*(?:;|$)/i;

const refusal = (code: string, status: number, zh: string, en: string) => new DomainError(code, zh, { status, details: { en, field: 'token' } });
const invalidLink = () => refusal('INVITATION_NOT_FOUND', 404, m.invalidTitle['zh-CN'], m.invalidTitle.en);
const usedLink = () => refusal('INVITATION_ALREADY_RATED', 409, m.usedTitle['zh-CN'] + ',' + m.usedBody['zh-CN'], `${m.usedTitle.en}. ${m.usedBody.en}`);
const expiredLink = () => refusal('INVITATION_EXPIRED', 410, m.expiredTitle['zh-CN'], m.expiredTitle.en);

/** The invitation behind a token, or the refusal a page or problem shows. Tampered tokens read nothing. */
const loadInvitation = async (deps: CitizenDeps, token: string): Promise<{ id: string; state: InvitationState; recorded: RecordedEvent[] }> => {
  const id = await deps.tokens.verify(token);
  if (!id) throw invalidLink();
  const recorded = await deps.store.readStream(invitationStreamId(id));
  const state = fold(invitationDecider, recorded as unknown as InvitationEvent[]);
  if (state.status === 'none' || !state.issued) throw invalidLink();
  if (state.status === 'rated') throw usedLink();
  if (state.status === 'expired' || new Date(state.issued.expiresAt) <= deps.clock.now()) throw expiredLink();
  return { id, state, recorded };
};

/** How the citizen reached the page: a window screen shows the SMS link as a QR with `?via=qr`. */
const channelOf = (issued: InvitationChannel, via: string | undefined): InvitationChannel =>
  issued === 'qr_static' ? 'qr_static' : via === 'qr' || via === 'qr_case' ? 'qr_case' : issued;

/** A refusal's sentences in the page's language: a validation failure's own field messages, else the domain's text. */
const refusalText = (error: DomainError, lang: PageView['lang']): string[] =>
  error instanceof ValidationFailed
    ? [...new Set(renderFieldErrors(error.issues, lang).map((issue) => issue.message))]
    : [lang === 'en' && typeof error.details['en'] === 'string' ? error.details['en'] : error.message];

const refusalPage = (c: Context, view: PageView, error: DomainError): Response | Promise<Response> => {
  const lang = view.lang;
  const [title, body] =
    error.code === 'INVITATION_ALREADY_RATED'
      ? [m.usedTitle[lang], [m.usedBody[lang]]]
      : error.code === 'INVITATION_EXPIRED'
        ? [m.expiredTitle[lang], [m.expiredBody[lang]]]
        : error.code === 'INVITATION_NOT_FOUND'
          ? [m.invalidTitle[lang], [m.invalidBody[lang]]]
          : [m.refusedTitle[lang], refusalText(error, lang)];
  return c.html(messagePage(view, title, body), error.status as 404);
};

const storeAttachments = async (deps: CitizenDeps, files: readonly File[]): Promise<AttachmentRef[]> => {
  const stored: AttachmentRef[] = [];
  for (const [index, file] of files.entries()) {
    try {
      const blob = await deps.blobs.put(new Uint8Array(await file.arrayBuffer()), { declaredType: file.type });
      stored.push({ sha256: blob.sha256, mediaType: blob.mediaType, bytes: blob.size });
    } catch (error) {
      if (error instanceof DomainError && error.status < 500) throw refusedAttachment(index, error);
      throw error;
    }
  }
  return stored;
};

/** The citizen page: `GET /e/:token` shows the questionnaire, `POST /e/:token` records the rating. */
export const citizenRoutes = (deps: CitizenDeps) => {
  const app = new Hono();
  // A form with attachments comes as multipart, up to the upload limits; anything else is a form
  // without them, a few kB at most (the comment's limit is far below 64 kB). Browsers get a page.
  const tooLarge = (message: Bilingual) => (c: Context) => {
    const error = invalidField('body', message, 400);
    if (wantsJson(c)) throw error;
    return refusalPage(c, pageView(c), error);
  };
  const uploadLimit = bodyLimit({
    maxSize: deps.config.uploads.maxFiles * deps.config.uploads.maxBytesPerFile + 64 * 1024,
    onError: tooLarge({ 'zh-CN': '上传的文件总量过大,请减少或压缩文件后再提交', en: 'The files are too large altogether; please add fewer or smaller files.' }),
  });
  const formLimit = bodyLimit({
    maxSize: 64 * 1024,
    onError: tooLarge({ 'zh-CN': '提交内容过大', en: 'The form is too large.' }),
  });

  app.get('/e/:token', intakeDocs.questionnaire, async (c) => {
    const view = pageView(c);
    try {
      const { id, state, recorded } = await loadInvitation(deps, c.req.param('token'));
      const issued = state.issued!;
      const via = channelOf(issued.channel, c.req.query('via'));
      await handleCommand(
        deps.store,
        invitationStreamId(id),
        invitationDecider,
        { type: 'RecordInvitationOpened', now: deps.clock.now().toISOString(), via },
        { commandId: `invitation:${id}:open`, actor: { id: 'citizen', role: 'evaluator' }, now: deps.clock.now() },
        { read: recorded },
      );
      return c.html(await renderQuestionnaire(deps, view, c.req.param('token'), state, via));
    } catch (error) {
      if (error instanceof DomainError && error.status < 500) return refusalPage(c, view, error);
      throw error;
    }
  });

  app.post(
    '/e/:token',
    intakeDocs.submitRating,
    (c, next) => (/^multipart\/form-data\b/i.test(c.req.header('content-type') ?? '') ? uploadLimit(c, next) : formLimit(c, next)),
    async (c) => {
      const view = pageView(c);
      const json = wantsJson(c);
      let state: InvitationState | null = null;
      let form: RatingForm | null = null;
      try {
        const contentType = c.req.header('content-type') ?? '';
        if (!/^(multipart\/form-data|application\/x-www-form-urlencoded)\b/i.test(contentType)) {
          throw invalidField('body', { 'zh-CN': '请以表单方式提交', en: 'Submit the form as multipart/form-data or urlencoded.' }, 400);
        }
        const loaded = await loadInvitation(deps, c.req.param('token'));
        state = loaded.state;
        let data: FormData | URLSearchParams;
        try {
          // A form without attachments comes urlencoded: read as text, it skips building a web
          // Request on Node (see core/http/body-limit.ts). URLSearchParams parses it as formData() does.
          data = URLENCODED.test(contentType) ? new URLSearchParams(await c.req.text()) : await c.req.formData();
        } catch {
          throw invalidField('body', { 'zh-CN': '表单内容无法读取', en: 'The form data could not be read.' }, 400);
        }
        const parsed = parseRatingForm(data, deps.config.uploads);
        form = parsed.form;
        const issued = state.issued!;
        const config = await deps.questionnaires.version(issued.questionnaireVersion);
        const variant = config && findVariant(config, issued.variantId);
        if (!config || !variant) throw new Error(`questionnaire version ${issued.questionnaireVersion} / ${issued.variantId} missing`);
        const attachments = await storeAttachments(deps, parsed.files);
        const reasons = form.reasons;
        const anonymous = form.anonymous !== undefined;
        const now = deps.clock.now();
        const negative = isNegativeRating(config, form.overall, reasons);
        await handleCommand(
          deps.store,
          invitationStreamId(loaded.id),
          invitationDecider,
          {
            type: 'SubmitEvaluation',
            now: now.toISOString(),
            via: channelOf(issued.channel, form.via),
            overall: form.overall,
            answers: Object.entries(form.answers).map(([code, level]) => ({ code, level })),
            reasons,
            comment: form.comment ? form.comment : null,
            attachments,
            anonymous,
            allowed: { indicators: variant.items, reasons: config.reasons.map((reason) => reason.code) },
            negative,
          },
          { commandId: `invitation:${loaded.id}:submit:${deps.ids.commandId()}`, actor: { id: 'citizen', role: 'evaluator' }, now },
          { read: loaded.recorded },
        );
        if (json) return c.json({ invitationId: loaded.id, recorded: true, negative }, 201);
        const next = negative ? (anonymous || !issued.recipient ? m.thanksNegativeAnonymous : m.thanksNegative) : m.thanksNext;
        return c.html(messagePage(view, m.thanksTitle[view.lang], negative ? [m.thanksNext[view.lang], next[view.lang]] : [next[view.lang]]));
      } catch (error) {
        if (json || !(error instanceof DomainError) || error.status >= 500) throw error;
        if (error instanceof ValidationFailed && state) {
          const errors: FieldError[] = renderFieldErrors(error.issues, view.lang);
          return c.html(await renderQuestionnaire(deps, view, c.req.param('token'), state, undefined, errors, form), error.status as 422);
        }
        return refusalPage(c, view, error);
      }
    },
  );
  return app;
};

const renderQuestionnaire = async (
  deps: CitizenDeps,
  view: PageView,
  token: string,
  state: InvitationState,
  via: InvitationChannel | undefined,
  errors?: readonly FieldError[],
  previous?: RatingForm | null,
) => {
  const issued = state.issued!;
  const config = await deps.questionnaires.version(issued.questionnaireVersion);
  const variant = config && findVariant(config, issued.variantId);
  if (!config || !variant) throw new Error(`questionnaire version ${issued.questionnaireVersion} / ${issued.variantId} missing`);
  return questionnairePage({
    ...view,
    action: `/e/${token}`,
    config,
    variant,
    subject: issued.subject,
    via: via ?? issued.channel,
    canBeAnonymous: issued.recipient !== null,
    ...(errors ? { errors } : {}),
    ...(previous ? { previous: { overall: previous.overall, answers: previous.answers, reasons: previous.reasons, ...(previous.comment ? { comment: previous.comment } : {}) } } : {}),
  });
};
