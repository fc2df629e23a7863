import type { Localized } from '../../api/audit.ts';

/** '2026-03-03 10:25:07': an audit needs the second; always Beijing time (UTC+8, no daylight saving). */
export const beijingSeconds = (iso: string | null): string =>
  iso === null ? '—' : new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().replace('T', ' ').slice(0, 19);

/** The text in the page's language (zh-CN unless English was chosen). */
export const localized = (value: Localized, locale: string): string => (locale === 'en' ? value.en : value['zh-CN']);
