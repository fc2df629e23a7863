import { Hono } from 'hono';
import { staffActions } from '../../../core/access/permissions.ts';
import { roleNames } from '../../../core/access/roles.ts';
import type { StaffPrincipal } from '../../../core/access/scope.ts';
import { changePassword, ownDisplayName, signIn, signOut, signOutEverywhere } from '../../../core/access/service.ts';
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
 * 登录 / 退出: POST /session signs in (cookie + CSRF token), GET /session/me tells the console who is
 * signed in, DELETE /session signs out this browser, DELETE /session/all every browser,
 * POST /session/password changes the password (and ends every other session).
 */
export const sessionRoutes = (deps: StaffApiDeps) => {
  const app = new Hono<StaffEnv>();

  app.post('/', staffRoute({ tag: 'session', summary: '登录 Sign in (sets the session cookie, answers the CSRF token)', body: SignInSchema, public: true, problems: [403, 423, 429] }), async (c) => {
    const input = await readBody(c, SignInSchema);
    try {
      const signedIn = await signIn(deps.access, input);
      setSessionCookie(deps, c, signedIn.session.token, signedIn.session.expiresAt);
      const displayName = (await ownDisplayName(deps.access, signedIn.principal.accountId)) ?? signedIn.displayNameMasked;
      return c.json({
        account: accountView(signedIn.principal, displayName),
        csrfToken: signedIn.session.csrfToken,
        expiresAt: signedIn.session.expiresAt.toISOString(),
      });
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
  });

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
