import type { Lang } from '../http/lang.ts';

/** One SMS segment of a message with Chinese characters (UCS-2) holds 70 characters. */
export const smsSegmentChars = 70;

/** Characters as the operators count them: UTF-16 code units (every CJK character of the texts is one). */
export const smsLength = (text: string): number => text.length;

const bodies = {
  invite: { 'zh-CN': '您的办件已办结,请评价:', en: 'Please rate our service: ' },
  remind: { 'zh-CN': '提醒:请评价本次服务:', en: 'Reminder, please rate us: ' },
} as const;

/**
 * The text of an invitation or reminder SMS, including 【sign name】 (the gateways prepend it, but
 * it counts toward the 70 characters). Throws when the result would need two segments, so that
 * configuration mistakes (a long sign name or base URL) fail at start-up, not at the first case.
 */
export const invitationSmsText = (options: { signName: string; link: string; kind: 'invite' | 'remind'; lang?: Lang }): { full: string; body: string } => {
  const body = `${bodies[options.kind][options.lang ?? 'zh-CN']}${options.link}`;
  const full = `【${options.signName}】${body}`;
  if (smsLength(full) > smsSegmentChars) throw new Error(`SMS would be ${smsLength(full)} characters, more than one segment (${smsSegmentChars}): shorten the sign name or base URL`);
  return { full, body };
};
