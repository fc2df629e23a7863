import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgliteEventStore } from '../../core/eventstore/pglite.ts';
import type { EventStore } from '../../core/eventstore/types.ts';
import { projectionRegistry } from '../../projections/index.ts';
import { createTestPglite } from '../../tests/support/databases.ts';
import { formatOpsReport, opsReport } from './report.ts';
import { runSmsChecked, smsCheckedUsageProblem } from './sms-checked.ts';

/** Issue 7, the operator's view: lag, outboxes by status, dead letters with their reasons, calendar coverage. */
describe('npm run ops reports what is behind and what is stuck, and why', () => {
  let setup: Awaited<ReturnType<typeof createTestPglite>>;
  let store: EventStore;
  beforeAll(async () => {
    setup = await createTestPglite();
    store = createPgliteEventStore({ pglite: setup.pglite, db: setup.db });
  });
  afterAll(async () => setup?.pglite.close());

  it('names each dead letter, counts each outbox and shows which reactor is behind', async () => {
    const event = (n: number) => ({ id: crypto.randomUUID(), type: 'Noted', schemaVersion: 1, data: { n }, metadata: { actor: { id: 'ops-test' }, occurredAt: new Date().toISOString() } });
    const first = await store.append('note-1', [event(1), event(2), event(3)], { expectedVersion: 'no_stream' });
    await store.checkpoints.save('warning-policy', first.lastLogPosition);
    await store.checkpoints.save('retired-collector', first.lastLogPosition);
    await store.append('note-1', [event(4), event(5)], { expectedVersion: 3 });
    await store.append('case-hall-C-1', [event(6), event(7)], { expectedVersion: 'no_stream' });
    await sql`insert into app.sms_outbox (idempotency_key, provider, purpose, template_code, phone_sealed, phone_masked, phone_index, text, status, attempts, error_code, error_message)
      values ('inv-1', 'aliyun', 'invitation', 'SMS_1', '{}'::jsonb, '138****0000', 'idx', '…', 'failed', 3, 'isv.MOBILE_NUMBER_ILLEGAL', '号码格式错误'),
             ('inv-2', 'aliyun', 'invitation', 'SMS_1', '{}'::jsonb, '138****0001', 'idx', '…', 'sent', 1, null, null)`.execute(setup.db);
    // In doubt: the gateway gave no definite answer, or a sender stopped mid-send an hour ago. A send
    // begun two minutes ago is still under way.
    await sql`insert into app.sms_outbox (idempotency_key, provider, purpose, template_code, phone_sealed, phone_masked, phone_index, text, status, attempts, error_code, error_message, updated_at)
      values ('w-1:dispatch-alert:0@d-1', 'aliyun', 'warning_alert', 'SMS_2', '{}'::jsonb, '138****0002', 'idx', '…', 'in_doubt', 1, 'HTTP_502', 'Aliyun gave no readable answer', '2026-11-28T11:30:00Z'),
             ('w-2:dispatch-alert:0@d-1', 'aliyun', 'warning_alert', 'SMS_2', '{}'::jsonb, '138****0003', 'idx', '…', 'sending', 1, null, null, '2026-11-28T11:00:00Z'),
             ('w-3:dispatch-alert:0@d-1', 'aliyun', 'warning_alert', 'SMS_2', '{}'::jsonb, '138****0004', 'idx', '…', 'sending', 1, null, null, '2026-11-28T11:58:00Z')`.execute(setup.db);
    await sql`insert into app.feed_outbox (record_id, kind, source_event_id, month_key, payload, status, attempts, reason)
      values ('r-1', 'rating', 'e-1', '2026-11', '{}'::jsonb, 'rejected', 1, 'E102 事项编码不存在')`.execute(setup.db);
    await sql`insert into app.webhook_deliveries (delivery_id, endpoint_id, event_type, source_event_id, payload, status, attempts, last_status, last_error)
      values ('d-1', 'oa', 'warning.raised', 'e-2', '{}'::jsonb, 'failed', 8, 503, null)`.execute(setup.db);

    const report = await opsReport({ db: setup.db, store, projections: projectionRegistry, now: new Date('2026-11-28T12:00:00Z') });
    // The policy reads cases and invitations: the notes after its checkpoint are not behind it. A
    // checkpoint no subscriber of the system owns counts every event.
    expect(report.subscribers).toEqual([
      { id: 'retired-collector', behindEvents: 4, known: false },
      { id: 'warning-policy', behindEvents: 2, known: true },
    ]);
    expect(report.sms).toEqual({ failed: 1, in_doubt: 1, sending: 2, sent: 1 });
    expect(report.feed).toEqual({ rejected: 1 });
    expect(report.deadLetters.sms).toMatchObject([
      { id: 'inv-1', attempts: 3, reason: 'isv.MOBILE_NUMBER_ILLEGAL: 号码格式错误' },
      { id: 'w-1:dispatch-alert:0@d-1', reason: expect.stringMatching(/^未确认 in doubt: HTTP_502: Aliyun gave no readable answer; check the provider's delivery report/) },
      { id: 'w-2:dispatch-alert:0@d-1', reason: expect.stringMatching(/^未确认:发送中途中断 in doubt: the send began and its sender stopped/) },
    ]);
    expect(report.deadLetters.feed).toMatchObject([{ id: 'r-1', reason: 'E102 事项编码不存在' }]);
    expect(report.deadLetters.webhooks).toMatchObject([{ id: 'd-1', what: 'warning.raised → oa', reason: 'HTTP 503' }]);
    expect(report.calendar.map((year) => year.year)).toEqual([2025, 2026, 2027]);
    expect(report.calendar.find((year) => year.year === 2026)?.coverage).toBe('official');
    expect(report.projectors.map((p) => p.projection).sort()).toEqual(['ratings', 'warnings']);

    const text = formatOpsReport(report);
    expect(text).toContain('warning-policy');
    expect(text).toMatch(/retired-collector +落后 behind 4 events \(非本系统订阅者/);
    expect(text).toContain('E102 事项编码不存在');
    expect(text).toContain('HTTP 503');
    expect(text, 'the dead letters say how to send them again').toContain('npm run ops -- --retry-webhooks');
    expect(text).toContain('npm run feed -- retry --month');
  });

  it('--sms-checked records what the delivery report said: a delivered one leaves the dead letters, an undelivered one is failed', async () => {
    expect(smsCheckedUsageProblem({ 'sms-checked': 'k', delivered: true })).toContain('--by needs your staff account id');
    expect(smsCheckedUsageProblem({ 'sms-checked': 'k', delivered: true, 'not-delivered': true, by: 'ops.li' })).toContain('exactly one of');
    expect(smsCheckedUsageProblem({ 'sms-checked': 'k', delivered: true, by: '李四' })).toContain('not a name');
    expect(smsCheckedUsageProblem({ 'sms-checked': 'k', delivered: true, by: 'ops.li', lifecycles: true })).toContain('without --lifecycles');
    expect(smsCheckedUsageProblem({ delivered: true })).toContain('go with --sms-checked');
    expect(smsCheckedUsageProblem({ 'sms-checked': 'k', 'not-delivered': true, by: 'ops.li' })).toBeNull();

    const now = new Date('2026-11-28T12:00:00Z');
    const lines: string[] = [];
    const check = (key: string, delivered: boolean) => runSmsChecked({ db: setup.db, key, delivered, by: 'ops.li', now, log: (line) => lines.push(line) });
    expect(await check('w-1:dispatch-alert:0@d-1', true)).toBe(0);
    expect(await check('w-2:dispatch-alert:0@d-1', false)).toBe(0);
    expect(await check('w-3:dispatch-alert:0@d-1', true), 'a send begun two minutes ago is not in doubt yet').toBe(1);
    expect(await check('inv-2', true), 'nor a sent one').toBe(1);
    expect(lines).toEqual([
      '已记录 recorded: w-1:dispatch-alert:0@d-1 已送达,计为已发送 delivered, counts as sent',
      '已记录 recorded: w-2:dispatch-alert:0@d-1 未送达,计为失败,下次发送可再发 not delivered, failed: the next send with this key goes',
      '未改变 unchanged: w-3:dispatch-alert:0@d-1 is sending, not in doubt (a send under way counts as in doubt after 5 minutes)',
      '未改变 unchanged: inv-2 is sent, not in doubt (a send under way counts as in doubt after 5 minutes)',
    ]);

    const report = await opsReport({ db: setup.db, store, projections: projectionRegistry, now });
    expect(report.sms).toEqual({ failed: 2, sending: 1, sent: 2 });
    expect(report.deadLetters.sms.map((letter) => letter.id)).toEqual(['w-2:dispatch-alert:0@d-1', 'inv-1']);
    expect(report.deadLetters.sms[0]?.reason).toMatch(/^CHECKED_BY_OPERATOR: 服务商回执:未送达 not delivered, checked by ops\.li at 2026-11-28T12:00:00\.000Z \(was sending\)$/);
  });
});
