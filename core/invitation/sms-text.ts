import type { Lang } from '../http/lang.ts';
import { checkSmsSegment } from '../sms/segment.ts';

/** One SMS segment of a message with Chinese characters (UCS-2) holds 70 characters. */
export const smsSegmentChars = 70;

const bodies = {
  invite: { 'zh-CN': '您的办件已办结,请评价:', en: 'Please rate our service: ' },
  /** Invitations at earlier stages (一事多评) must not say the case is done. */
  invite_stage: { 'zh-CN': '请评价本次政务服务:', en: 'Please rate our service so far: ' },
  remind: { 'zh-CN': '提醒:请评价本次服务:', en: 'Reminder, please rate us: ' },
} as const;

/**
 * The text of an invitation or reminder SMS, including 【sign name】 (the gateways prepend it, but
 * it counts toward the 70 characters). Throws when the result would need two segments, so that
 * configuration mistakes (a long sign name or base URL) fail at start-up, not at the first case.
 */
export const invitationSmsText = (options: { signName: string; link: string; kind: 'invite' | 'invite_stage' | 'remind'; lang?: Lang }): { full: string; body: string } => {
  const body = `${bodies[options.kind][options.lang ?? 'zh-CN']}${options.link}`;
  const full = `【${options.signName}】${body}`;
  const check = checkSmsSegment(full);
  if (!check.fits) throw new Error(`SMS would be ${check.length} characters, more than one segment (${check.limit}): shorten the sign name or base URL`);
  return { full, body };
};
