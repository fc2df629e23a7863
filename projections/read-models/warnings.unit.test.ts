import { describe, expect, it } from 'vitest';
import { rectifiedWarning } from '../testing/events.ts';
import type { WarningRowDraft } from './warnings.ts';
import { currentDeadline, evolveWarningRow } from './warnings.ts';

const fold = (facts: ReturnType<typeof rectifiedWarning>, from = 0) =>
  facts.reduce<WarningRowDraft | null>(
    (row, fact, index) => evolveWarningRow(row, fact, from + index + 1),
    null,
  );

describe('evolveWarningRow', () => {
  const facts = rectifiedWarning('w', '2025-10-01T02:00:00.000Z', { dispatchAfterMinutes: 30 });

  it('follows the phases of the warning decider and counts call-backs', () => {
    expect(fold(facts.slice(0, 1))).toMatchObject({ phase: 'awaiting_dispatch', stream_version: 1 });
    expect(fold(facts.slice(0, 3))).toMatchObject({
      phase: 'awaiting_reply',
      dispatch_on_time: true,
      reply_due_at: '2025-10-04T02:30:00.000Z',
    });
    expect(fold(facts.slice(0, 4))).toMatchObject({
      phase: 'awaiting_callback',
      replies: 1,
      replies_on_time: 1,
    });
    expect(fold(facts)).toMatchObject({
      phase: 'closed',
      outcome: 'rectified',
      callbacks: 2,
      callbacks_satisfied: 2,
      stream_version: 7,
    });
  });

  it('skips a fact at or below the stream version already folded (idempotent)', () => {
    const row = fold(facts)!;
    expect(evolveWarningRow(row, facts[3]!, 4)).toBe(row);
    expect(evolveWarningRow(row, facts[0]!, 1)).toBe(row);
  });

  it('ignores facts of a warning it never saw raised', () => {
    expect(evolveWarningRow(null, facts[1]!, 2)).toBeNull();
  });

  it('keeps the reply text for the public board with phone and ID numbers masked', () => {
    const masked = rectifiedWarning('w', '2025-10-01T02:00:00.000Z', {
      replyText: '已整改, 如有疑问请致电 13912345678',
    });
    expect(fold(masked.slice(0, 4))?.last_reply_text).toBe('已整改, 如有疑问请致电 139****5678');
  });

  it('a dispatch after the one-hour deadline is late', () => {
    const late = rectifiedWarning('w', '2025-10-01T02:00:00.000Z', { dispatchAfterMinutes: 61 });
    expect(fold(late.slice(0, 2))).toMatchObject({ dispatch_on_time: false });
  });
});

describe('currentDeadline', () => {
  const base = {
    dispatch_due_at: new Date('2025-10-01T03:00:00Z'),
    reply_due_at: new Date('2025-10-04T03:00:00Z'),
    phone_due_at: new Date('2025-10-06T00:00:00Z'),
    on_site_due_at: new Date('2025-10-05T00:00:00Z'),
  };
  it('is the deadline of the phase; in call-back, the earliest check still open', () => {
    expect(
      currentDeadline({
        ...base,
        phase: 'awaiting_dispatch',
        phone_satisfied: null,
        on_site_satisfied: null,
      }),
    ).toEqual(base.dispatch_due_at);
    expect(
      currentDeadline({ ...base, phase: 'awaiting_reply', phone_satisfied: null, on_site_satisfied: null }),
    ).toEqual(base.reply_due_at);
    expect(
      currentDeadline({
        ...base,
        phase: 'awaiting_callback',
        phone_satisfied: null,
        on_site_satisfied: null,
      }),
    ).toEqual(base.on_site_due_at);
    expect(
      currentDeadline({
        ...base,
        phase: 'awaiting_callback',
        phone_satisfied: null,
        on_site_satisfied: true,
      }),
    ).toEqual(base.phone_due_at);
    expect(
      currentDeadline({ ...base, phase: 'closed', phone_satisfied: true, on_site_satisfied: true }),
    ).toBeNull();
  });
});
