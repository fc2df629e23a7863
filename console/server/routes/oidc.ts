import type { Context } from 'hono';
import { Hono } from 'hono';
import * as v from 'valibot';
import { accountOfSubject, beginOidcSignIn, finishOidcSignIn, linkSubjectToAccount } from '../../../core/access/oidc.ts';
import type { SecondFactorDue, SignedIn } from '../../../core/access/service.ts';
import { resetTotp, signInLinkedAccount } from '../../../core/access/service.ts';
import { endSignInStep, findSignInStep, startSignInStep } from '../../../core/access/sign-in-steps.ts';
import { DomainError } from '../../../core/shared/errors.ts';
import { idempotencyKey, readBody, staffCommand } from '../body.ts';
import type { StaffApiDeps } from '../deps.ts';
import type { StaffEnv } from '../env.ts';
import { principalOf, requirePermission } from '../middleware/session.ts';
import { staffRoute } from '../openapi.ts';
import { clearStepCookie, readStepCookie, setStepCookie } from './sign-in-step-cookie.ts';

const notConfigured = () =>
  new DomainError('OIDC_NOT_CONFIGURED', '未配置统一身份认证', { status: 404, details: { en: 'Single sign-on is not configured.' } });

const LinkSchema = v.strictObject({
  accountId: v.pipe(v.string(), v.trim(), v.minLength(3), v.maxLength(64)),
  subject: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(255)),
});
const ResetSchema = v.strictObject({ accountId: v.pipe(v.string(), v.trim(), v.minLength(3), v.maxLength(64)) });

interface Answers {
  readonly secondFactorResponse: (deps: StaffApiDeps, c: Context, due: SecondFactorDue) => Response;
  readonly sessionResponse: (c: Context, signedIn: SignedIn) => Promise<Response>;
}

/**
 * 统一身份认证 (OIDC), under /api/staff/session/oidc:
 * GET /start redirects to the provider (state, nonce and PKCE verifier kept server-side with the
 * sign-in step); GET /callback verifies the answer and signs in as the linked account (or goes on to
 * the TOTP step). A browser is sent back to the console; other clients get JSON or problem+json.
 * POST /links (administrator) links a subject to an account; POST /totp-reset resets an account's TOTP.
 */
export const oidcRoutes = (deps: StaffApiDeps, answers: Answers) => {
  const app = new Hono<StaffEnv>();
  const wantsHtml = (c: Context) => (c.req.header('accept') ?? '').includes('text/html');

  app.get('/start', staffRoute({ tag: 'session', summary: '统一身份认证登录 Start single sign-on (302 to the provider)', public: true, problems: [404, 503], responses: { 302: { description: 'To the provider' } } }), async (c) => {
    if (!deps.oidc) throw notConfigured();
    const redirect = await beginOidcSignIn(deps.oidc);
    const step = await startSignInStep(deps.access.db, { kind: 'oidc', accountId: null, data: redirect.checks }, deps.clock.now());
    setStepCookie(deps, c, step.token, step.expiresAt);
    return c.redirect(redirect.url.href, 302);
  });

  app.get('/callback', staffRoute({ tag: 'session', summary: 'Single sign-on callback (signs in as the linked account)', public: true, problems: [401, 403, 404, 429, 503] }), async (c) => {
    if (!deps.oidc) throw notConfigured();
    const token = readStepCookie(c);
    try {
      const step = await findSignInStep(deps.access.db, token, ['oidc'], deps.clock.now());
      // The step is used once, whatever the outcome.
      if (token !== undefined) await endSignInStep(deps.access.db, token);
      clearStepCookie(deps, c);
      const query = new URL(c.req.url).searchParams;
      const { issuer, subject } = await finishOidcSignIn(deps.oidc, query, step?.data);
      const accountId = await accountOfSubject(deps.access, issuer, subject);
      if (accountId === null) {
        throw new DomainError('OIDC_SUBJECT_UNKNOWN', '该统一身份认证账号未绑定本系统账号,请联系管理员', {
          status: 403,
          details: { en: 'This single sign-on identity is not linked to a console account; ask an administrator.' },
        });
      }
      const result = await signInLinkedAccount(deps.access, accountId);
      if ('session' in result) {
        const answer = await answers.sessionResponse(c, result);
        return wantsHtml(c) ? c.redirect('/console/', 302) : answer;
      }
      const answer = answers.secondFactorResponse(deps, c, result);
      return wantsHtml(c) ? c.redirect('/console/signin?step=1', 302) : answer;
    } catch (error) {
      // A browser goes back to the sign-in page, which says what went wrong; API clients get problem+json.
      if (wantsHtml(c) && error instanceof DomainError) return c.redirect(`/console/signin?sso=${encodeURIComponent(error.code)}`, 302);
      throw error;
    }
  });

  app.post('/links', staffRoute({ tag: 'accounts', summary: '绑定统一身份认证 Link a single sign-on subject to an account', body: LinkSchema, idempotent: true, problems: [404, 409] }), requirePermission('account.manage'), async (c) => {
    if (!deps.oidc) throw notConfigured();
    const input = await readBody(c, LinkSchema);
    const issuer = (await deps.oidc.provider()).serverMetadata().issuer;
    await linkSubjectToAccount(deps.access, principalOf(c), { ...input, issuer }, staffCommand(c, principalOf(c).accountId, idempotencyKey(c), input, 'oidc-link'));
    return c.json({ accountId: input.accountId.toLowerCase(), issuer, subject: input.subject });
  });

  return app;
};

/** POST /api/staff/session/totp-reset (administrator): the account enrols TOTP again at its next sign-in. */
export const totpResetRoutes = (deps: StaffApiDeps) => {
  const app = new Hono<StaffEnv>();
  app.post('/', staffRoute({ tag: 'accounts', summary: '重置两步验证 Reset an account\'s TOTP (re-enrol at next sign-in; its sessions end)', body: ResetSchema, idempotent: true, problems: [404] }), requirePermission('account.manage'), async (c) => {
    const { accountId } = await readBody(c, ResetSchema);
    const state = await resetTotp(deps.access, principalOf(c), accountId, staffCommand(c, principalOf(c).accountId, idempotencyKey(c), { accountId }, 'totp-reset'));
    return c.json({ accountId: accountId.toLowerCase(), totp: state.status === 'none' || state.totp === null ? 'none' : state.totp.status });
  });
  return app;
};
