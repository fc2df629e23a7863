import type { MiddlewareHandler } from 'hono';
import { csrfTokenFor } from '../../../core/access/sessions.ts';
import { DomainError } from '../../../core/shared/errors.ts';
import { sameText } from '../../../core/pii/encoding.ts';
import type { StaffApiDeps } from '../deps.ts';
import type { StaffEnv } from '../env.ts';
import { unauthenticated } from './session.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

const forbidden = (code: string, zh: string, en: string): DomainError => new DomainError(code, zh, { status: 403, details: { en } });


/**
 * CSRF protection (跨站请求伪造防护) for state-changing requests, in two layers:
 * 1. a request from another site (Origin not ours, or Sec-Fetch-Site: cross-site) is refused;
 * 2. a signed-in request must carry the session's token in `x-csrf-token` (from the sign-in
 *    response or GET /session/me). Sign-in itself has no session yet: it must be JSON, which a
 *    cross-site form cannot send without a CORS preflight we never grant.
 */
export const csrfProtection = (deps: StaffApiDeps, options: { signInPath: string }): MiddlewareHandler<StaffEnv> =>
  async function csrfMiddleware(c, next) {
    if (SAFE_METHODS.has(c.req.method)) return next();
    const own = new URL(c.req.url).origin;
    const origin = c.req.header('origin');
    if (origin !== undefined && origin !== own && !(deps.config?.allowedOrigins ?? []).includes(origin)) {
      throw forbidden('CSRF_ORIGIN_REFUSED', '请求来源不被允许', 'Requests from this origin are not allowed.');
    }
    if (c.req.header('sec-fetch-site') === 'cross-site' && origin === undefined) {
      throw forbidden('CSRF_ORIGIN_REFUSED', '请求来源不被允许', 'Cross-site requests are not allowed.');
    }
    if (c.req.method === 'POST' && c.req.path === options.signInPath) {
      if (!(c.req.header('content-type') ?? '').toLowerCase().startsWith('application/json')) {
        throw new DomainError('UNSUPPORTED_MEDIA_TYPE', '请以 JSON 提交', { status: 415, details: { en: 'Send JSON.', field: 'content-type' } });
      }
      return next();
    }
    const token = c.get('sessionToken');
    if (token === null) throw unauthenticated();
    const sent = c.req.header('x-csrf-token') ?? '';
    if (!sameText(sent, await csrfTokenFor(token))) {
      throw forbidden('CSRF_TOKEN_INVALID', '缺少或错误的 CSRF 令牌,请刷新页面', 'Missing or wrong x-csrf-token; reload the page.');
    }
    await next();
  };
