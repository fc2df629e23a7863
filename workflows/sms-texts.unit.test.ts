import { describe, expect, it } from 'vitest';
import { checkSmsSegment } from '../core/sms/segment.ts';
import { formatDue, texts, warningRef } from './sms-texts.ts';

const cst = (local: string) => new Date(`${local}+08:00`).toISOString();

describe('lifecycle SMS texts', () => {
  it('shows a deadline at 24:00 as the end of its own day, other times as they are (Asia/Shanghai)', () => {
    expect(formatDue(cst('2026-02-25T00:00:00'))).toBe('2月24日24时');
    expect(formatDue(cst('2026-03-03T11:00:00'))).toBe('3月3日11:00');
    expect(formatDue(cst('2026-10-10T09:05:00'))).toBe('10月10日09:05');
  });

  it('every text fits one SMS segment with the sign name and carries no personal data', () => {
    const ref = warningRef('w-3f9a1c27e0b44d5e8a61');
    const due = formatDue(cst('2026-12-31T00:00:00'));
    const all = [
      texts.alert(ref, due),
      texts.dispatchReminder(ref, due),
      texts.escalation(ref, 'on_site', 2),
      texts.replyDeadline(ref, due),
      texts.replyReminder(ref, due),
      texts.callbackDeadlines(ref, due, due),
      texts.callbackReminder(ref, 'on_site', due),
      texts.citizen('dispatched'),
      texts.citizen('replied'),
      texts.citizen('closed'),
      texts.calendarFallback(ref, '2027、2028'),
    ];
    for (const text of all) {
      expect(checkSmsSegment(text.text, '评改通').fits, text.text).toBe(true);
      expect(text.text).not.toMatch(/1[3-9]\d{9}/);
      for (const [key, value] of Object.entries(text.params)) {
        expect(key).toMatch(/^[A-Za-z0-9_]{1,32}$/);
        expect(value.length).toBeLessThanOrEqual(200);
      }
    }
  });
});
