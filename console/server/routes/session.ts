import type { Context } from 'hono';
import { Hono } from 'hono';
import * as v from 'valibot';
import { staffActions } from '../../../core/access/permissions.ts';
import { roleNames } from '../../../core/access/roles.ts';
import type { StaffPrincipal } from '../../../core/access/scope.ts';
import type { SecondFactorDue, SignedIn } from '../../../core/access/service.ts';
import { changePassword, completeSecondFactor, loadAccount, ownDisplayName, signIn, signOut, signOutEverywhere } from '../../../core/access/service.ts';
import { findSignInStep } from '../../../core/access/sign-in-steps.ts';
import { totpUri } from '../../../core/access/totp.ts';
import { caseQrSvg } from '../../../intake-edge/qr/index.ts';
import { can } from '../../../core/access/permissions.ts';
import { csrfTokenFor } from '../../../core/access/sessions.ts';
import { chooseLang } from '../../../core/http/lang.ts';
import { problemResponse, toProblem } from '../../../core/http/problem.ts';
import { DomainError } from '../../../core/shared/errors.ts';
import { readBody } from '../body.ts';
import type { StaffApiDeps } from '../deps.ts';
import type { StaffEnv } from '../env.ts';
import { clearSessionCookie, principalOf, setSessionCookie } from '../middleware/session.ts';
import { ChangePasswordSchema, SignInSchema } from '../schemas.ts';
import { staffRoute } from '../openapi.ts';
import { oidcRoutes, totpResetRoutes } from './oidc.ts';
import { readStepCookie, setStepCookie } from './sign-in-step-cookie.ts';

/** The second step of a sign-in: the 6-digit TOTP code (the step itself is in its cookie). */
const TotpCodeSchema = v.strictObject({
  code: v.pipe(v.string(), v.trim(), v.regex(/^\d{6}$/, '验证码为 6 位数字 / the code is 6 digits')),
});

/** What the enrolment page shows: the secret for typing in, the otpauth URI and its QR code. */
const enrolmentView = (secret: string, username: string) => {
  const uri = totpUri(secret, username);
  const svg = caseQrSvg(uri, { pixels: 220 });
  return { secret, uri, qr: `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}` };
};

/** The answer to a sign-in that still needs its TOTP step: no session yet, only the step cookie. */
export const secondFactorResponse = (deps: StaffApiDeps, c: Context, due: SecondFactorDue) => {
  setStepCookie(deps, c, due.step.token, due.step.expiresAt);
  return c.json({
    stage: due.stage,
    expiresAt: due.step.expiresAt.toISOString(),
    ...(due.enrolment ? { enrolment: enrolmentView(due.enrolment.secret, due.principal.accountId) } : {}),
  });
};

const stepExpired = () =>
  new DomainError('SIGN_IN_STEP_EXPIRED', '登录已超时,请重新登录', { status: 401, details: { en: 'The sign-in timed out; start again.' } });

const accountView = (principal: StaffPrincipal, displayName: string) => ({
  id: principal.accountId,
  username: principal.accountId,
  displayName,
  role: principal.role,
  roleName: roleNames[principal.role],
  department: principal.department,
  /** What the console may offer this account (the API checks again on every call). */
  permissions: staffActions.filter((action) => can(principal.role, action)),
});

/**
 * 登录 / 退出: POST /session signs in (cookie + CSRF token; administrators, auditors, appraisal
 * officers and call-back officers post their TOTP code next, or enrol first: GET /session/step), GET /session/me tells the console who is
 * signed in, DELETE /session signs out this browser, DELETE /session/all every browser,
 * POST /session/password changes the password (and ends every other session).
 */
export const sessionRoutes = (deps: StaffApiDeps) => {
  const app = new Hono<StaffEnv>();

  const sessionResponse = async (c: Context, signedIn: SignedIn) => {
    setSessionCookie(deps, c, signedIn.session.token, signedIn.session.expiresAt);
    const displayName = (await ownDisplayName(deps.access, signedIn.principal.accountId)) ?? signedIn.displayNameMasked;
    return c.json({
      stage: 'signed_in' as const,
      account: accountView(signedIn.principal, displayName),
      csrfToken: signedIn.session.csrfToken,
      expiresAt: signedIn.session.expiresAt.toISOString(),
    });
  };

  // POST /session: { username, password } (first step) or { code } (the TOTP step of the same sign-in).
  app.post(
    '/',
    staffRoute({
      tag: 'session',
      summary: '登录 Sign in: { username, password }, then { code } when a TOTP step is due (sets the session cookie, answers the CSRF token)',
      body: v.union([SignInSchema, TotpCodeSchema]),
      public: true,
      problems: [401, 403, 423, 429],
    }),
    async (c) => {
      const raw: unknown = await c.req.json().catch(() => null);
      const isCodeStep = typeof raw === 'object' && raw !== null && 'code' in raw;
      try {
        if (isCodeStep) {
          const { code } = await readBody(c, TotpCodeSchema);
          return await sessionResponse(c, await completeSecondFactor(deps.access, readStepCookie(c), code));
        }
        const input = await readBody(c, SignInSchema);
        const result = await signIn(deps.access, input);
        return 'session' in result ? await sessionResponse(c, result) : secondFactorResponse(deps, c, result);
      } catch (error) {
        // The error handler builds a fresh response; a lock's Retry-After has to travel with this one.
        if (error instanceof DomainError && error.code === 'ACCOUNT_LOCKED' && typeof error.details['retryAfterSeconds'] === 'number') {
          const lang = chooseLang(c.req.raw);
          return problemResponse(toProblem(error, lang, c.req.path), lang, {
            'retry-after': String(error.details['retryAfterSeconds']),
            'cache-control': 'no-store',
          });
        }
        throw error;
      }
    },
  );

  app.get('/step', staffRoute({ tag: 'session', summary: 'Where an unfinished sign-in stands: the TOTP step, or enrolment with its QR code', public: true, problems: [401] }), async (c) => {
    const step = await findSignInStep(deps.access.db, readStepCookie(c), ['totp', 'totp_enrol'], deps.clock.now());
    if (step === null || step.accountId === null) throw stepExpired();
    if (step.kind === 'totp') return c.json({ stage: 'totp' as const, expiresAt: step.expiresAt.toISOString() });
    const account = await loadAccount(deps.access.store, step.accountId);
    if (account.status === 'none' || account.totp === null) throw stepExpired();
    const secret = await deps.access.vault.open(account.totp.secret, 'totp_secret');
    return c.json({ stage: 'enrol' as const, expiresAt: step.expiresAt.toISOString(), enrolment: enrolmentView(secret, account.username) });
  });

  app.get('/options', staffRoute({ tag: 'session', summary: 'What the sign-in page offers besides the password (single sign-on)', public: true }), (c) =>
    c.json({ oidc: deps.oidc ? { label: deps.oidc.config.label, start: '/api/staff/session/oidc/start' } : null }),
  );

  app.route('/oidc', oidcRoutes(deps, { secondFactorResponse, sessionResponse }));
  app.route('/totp-reset', totpResetRoutes(deps));

  app.get('/me', staffRoute({ tag: 'session', summary: 'Who is signed in, with the CSRF token' }), async (c) => {
    const principal = principalOf(c);
    const token = c.get('sessionToken')!;
    const displayName = (await ownDisplayName(deps.access, principal.accountId)) ?? '';
    return c.json({ account: accountView(principal, displayName), csrfToken: await csrfTokenFor(token) });
  });

  app.delete('/', staffRoute({ tag: 'session', summary: '退出 Sign out this browser', responses: { 204: { description: 'Signed out' } } }), async (c) => {
    await signOut(deps.access, principalOf(c), c.get('sessionToken')!);
    clearSessionCookie(deps, c);
    return c.body(null, 204);
  });

  app.delete('/all', staffRoute({ tag: 'session', summary: 'Sign out every browser' }), async (c) => {
    const ended = await signOutEverywhere(deps.access, principalOf(c));
    clearSessionCookie(deps, c);
    return c.json({ ended });
  });

  app.post('/password', staffRoute({ tag: 'session', summary: '修改密码 Change the password (ends the other sessions)', body: ChangePasswordSchema }), async (c) => {
    const principal = principalOf(c);
    const input = await readBody(c, ChangePasswordSchema);
    const session = await changePassword(deps.access, principal, input);
    setSessionCookie(deps, c, session.token, session.expiresAt);
    return c.json({ csrfToken: session.csrfToken, expiresAt: session.expiresAt.toISOString() });
  });

  return app;
};
