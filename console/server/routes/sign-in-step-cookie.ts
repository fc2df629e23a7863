import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { StaffApiDeps } from '../deps.ts';

// The unfinished sign-in's cookie (TOTP step, single sign-on round trip). SameSite=Lax so that it
// travels with the provider's redirect back (a top-level GET); HttpOnly; __Host- over https.
const PLAIN_COOKIE = 'pinggai_staff_step';
const SECURE_COOKIE = '__Host-pinggai_staff_step';

const isSecure = (deps: StaffApiDeps, c: Context): boolean => {
  const setting = deps.config?.secureCookies ?? 'auto';
  return setting === 'auto' ? new URL(c.req.url).protocol === 'https:' : setting;
};

export const setStepCookie = (deps: StaffApiDeps, c: Context, token: string, expiresAt: Date): void => {
  const secure = isSecure(deps, c);
  setCookie(c, secure ? SECURE_COOKIE : PLAIN_COOKIE, token, { httpOnly: true, sameSite: 'Lax', secure, path: '/', expires: expiresAt });
};

export const clearStepCookie = (deps: StaffApiDeps, c: Context): void => {
  const secure = isSecure(deps, c);
  deleteCookie(c, secure ? SECURE_COOKIE : PLAIN_COOKIE, { path: '/', secure, httpOnly: true, sameSite: 'Lax' });
};

export const readStepCookie = (c: Context): string | undefined => getCookie(c, SECURE_COOKIE) ?? getCookie(c, PLAIN_COOKIE);
