import type { Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { langFromHeaders, parseLangTag } from '../../core/http/lang.ts';
import type { PageView } from './layout.ts';

/**
 * The page's language and elder mode. A `?lang=` or `?elder=` choice is remembered in a cookie so
 * that the form post and later pages keep it.
 */
export const pageView = (c: Context): PageView => {
  // c.req.query looks the parameters up in the URL text; the URL is parsed only to build links.
  const langParam = parseLangTag(c.req.query('lang'));
  if (langParam) setCookie(c, 'lang', langParam, { path: '/', maxAge: 31_536_000, sameSite: 'Lax' });
  const elderParam = c.req.query('elder');
  if (elderParam === '1' || elderParam === '0') setCookie(c, 'elder', elderParam, { path: '/', maxAge: 31_536_000, sameSite: 'Lax' });
  const elder = elderParam === '1' || (elderParam !== '0' && getCookie(c, 'elder') === '1');
  return { lang: langParam ?? langFromHeaders(c.req.raw.headers), elder, url: c.req.url };
};

/** API clients (and the property tests) ask for JSON; browsers get pages. */
export const wantsJson = (c: Context): boolean => {
  const accept = c.req.header('accept') ?? '';
  return /application\/(problem\+)?json/.test(accept) && !accept.includes('text/html');
};
