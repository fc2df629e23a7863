import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { StaffAction } from '../../../core/access/permissions.ts';
import { can } from '../../../core/access/permissions.ts';
import type { StaffPrincipal } from '../../../core/access/scope.ts';
import { authenticate } from '../../../core/access/service.ts';
import { DomainError } from '../../../core/shared/errors.ts';
import type { StaffApiDeps } from '../deps.ts';
import type { StaffEnv } from '../env.ts';

const PLAIN_COOKIE = 'pinggai_staff';
// The __Host- prefix makes browsers refuse the cookie unless it is Secure, Path=/ and host-only.
const SECURE_COOKIE = '__Host-pinggai_staff';

const isSecure = (deps: StaffApiDeps, c: Context): boolean => {
  const setting = deps.config?.secureCookies ?? 'auto';
  return setting === 'auto' ? new URL(c.req.url).protocol === 'https:' : setting;
};

export const setSessionCookie = (deps: StaffApiDeps, c: Context, token: string, expiresAt: Date): void => {
  const secure = isSecure(deps, c);
  setCookie(c, secure ? SECURE_COOKIE : PLAIN_COOKIE, token, {
    httpOnly: true,
    sameSite: 'Lax',
    secure,
    path: '/',
    expires: expiresAt,
  });
};

export const clearSessionCookie = (deps: StaffApiDeps, c: Context): void => {
  const secure = isSecure(deps, c);
  deleteCookie(c, secure ? SECURE_COOKIE : PLAIN_COOKIE, { path: '/', secure, httpOnly: true, sameSite: 'Lax' });
};

/** Resolves the session cookie to a principal (or null) for every request. */
export const staffSession = (deps: StaffApiDeps): MiddlewareHandler<StaffEnv> =>
  async function staffSessionMiddleware(c, next) {
    const token = getCookie(c, SECURE_COOKIE) ?? getCookie(c, PLAIN_COOKIE) ?? null;
    const session = token ? await authenticate(deps.access, token) : null;
    c.set('principal', session?.principal ?? null);
    c.set('sessionToken', session ? token : null);
    await next();
  };

export const unauthenticated = (): DomainError =>
  new DomainError('UNAUTHENTICATED', '请先登录', { status: 401, details: { en: 'Sign in first.' } });

export const principalOf = (c: Context<StaffEnv>): StaffPrincipal => c.get('principal') ?? (() => { throw unauthenticated(); })();

/** 401 without a session; 403 when the role may not do this (the permission matrix decides). */
export const requirePermission = (action: StaffAction): MiddlewareHandler<StaffEnv> =>
  async function requirePermissionMiddleware(c, next) {
    const principal = principalOf(c);
    if (!can(principal.role, action)) {
      throw new DomainError('FORBIDDEN', '当前角色无权执行此操作', { status: 403, details: { en: 'Your role may not do this.', action } });
    }
    await next();
  };
