import { getQueryParam } from 'hono/utils/url';

/**
 * The language a response speaks: zh-CN by default (the officials' and most citizens' language),
 * English on request. Chosen from `?lang=`, then the `lang` cookie, then Accept-Language.
 */
export type Lang = 'zh-CN' | 'en';

export const defaultLang: Lang = 'zh-CN';

/** Maps a tag such as `en-GB`, `zh`, `zh-Hans-CN` to a supported language, or undefined. */
export const parseLangTag = (tag: string | null | undefined): Lang | undefined => {
  if (!tag) return undefined;
  const lower = tag.trim().toLowerCase();
  if (lower === 'en' || lower.startsWith('en-')) return 'en';
  if (lower === 'zh' || lower.startsWith('zh-')) return 'zh-CN';
  return undefined;
};

/** Picks the best supported language from an Accept-Language header, honouring q-values. */
export const langFromAcceptLanguage = (header: string | null | undefined): Lang | undefined => {
  if (!header) return undefined;
  const ranked = header
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      const weight = q ? Number(q.slice(2)) : 1;
      return { lang: parseLangTag(tag), weight: Number.isFinite(weight) ? weight : 0, index };
    })
    .filter((entry): entry is { lang: Lang; weight: number; index: number } => entry.lang !== undefined && entry.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.index - b.index);
  return ranked[0]?.lang;
};

const cookieValue = (cookieHeader: string | null, name: string): string | undefined => {
  if (!cookieHeader) return undefined;
  for (const part of cookieHeader.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
};

/** The language a request's headers ask for, when its URL names none: the cookie, then Accept-Language. */
export const langFromHeaders = (headers: Headers): Lang =>
  parseLangTag(cookieValue(headers.get('cookie'), 'lang')) ?? langFromAcceptLanguage(headers.get('accept-language')) ?? defaultLang;

/** The language for one request (a Web-standard Request, so it works on Node and Deno alike). */
export const chooseLang = (request: Request): Lang => {
  // Hono's own query lookup (what c.req.query uses): no URL parse, and a fragment is left out.
  const langParam = getQueryParam(request.url, 'lang');
  return parseLangTag(typeof langParam === 'string' ? langParam : undefined) ?? langFromHeaders(request.headers);
};

/** A message in both languages; `pick` chooses one. */
export interface Bilingual {
  readonly 'zh-CN': string;
  readonly en: string;
}

export const pick = (message: Bilingual, lang: Lang): string => message[lang];
