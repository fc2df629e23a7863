import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessLogStreamId } from '../../core/access/access-log.ts';
import { generatePiiKeyring } from '../../core/pii/keyring.ts';
import { createPiiVault } from '../../core/pii/vault.ts';
import { citizenPhoneResolver } from '../../infra/app/citizen-phone.ts';
import type { StaffApiHarness } from './testing.ts';
import { createStaffApiHarness, scjWarning } from './testing.ts';

type Session = Awaited<ReturnType<StaffApiHarness['signIn']>>;

const PHONE = '13912345678';

/**
 * Issue 6: revealing a real-name rater's phone (查看完整号码) needs pii.reveal and a reason, answers
 * once with no-store, and leaves a PersonalDataRevealed access event without the value. Anonymous
 * raters have nothing to reveal and are never contacted. A call-back officer may reveal only while
 * the warning awaits its phone call-back (待回访, the call not yet recorded); an administrator in any phase.
 */
describe('reveal of a rater’s phone through the staff API', () => {
  let h: StaffApiHarness;
  const s: Record<string, Session> = {};

  beforeAll(async () => {
    h = await createStaffApiHarness();
    for (const username of ['admin', 'callback', 'dispatcher', 'handler-rsj']) s[username] = await h.signIn(username);
    const vault = h.deps.access.vault;
    const sealed = await vault.seal(PHONE, 'phone');
    const evaluator = (identity: 'real_name' | 'anonymous') =>
      identity === 'anonymous' ? { identity } : { identity, phone: { sealed, masked: '139****5678', blindIndex: 'x' } };
    for (const [invitation, identity] of [['inv-real', 'real_name'], ['inv-anon', 'anonymous']] as const) {
      await h.store.append(
        `invitation-${invitation}`,
        [{ id: crypto.randomUUID(), type: 'EvaluationSubmitted', schemaVersion: 1, data: { evaluator: evaluator(identity) }, metadata: { occurredAt: h.deps.clock.now().toISOString() } }],
        { expectedVersion: 'any' },
      );
    }
    // rv-real awaits dispatch, rv-reply awaits the department's reply, rv-callback awaits its call-back.
    for (const id of ['rv-real', 'rv-reply', 'rv-callback', 'rv-called']) await h.raise(id, { ...scjWarning(), citizenContactRef: 'invitation-inv-real' });
    await h.raise('rv-anon', { ...scjWarning(), citizenContactRef: null });
    const handler = await h.signIn('handler-scj');
    for (const id of ['rv-reply', 'rv-callback', 'rv-called']) expect((await h.as(s['dispatcher']!, 'POST', `/api/staff/warnings/${id}/dispatch`, {})).status).toBe(200);
    for (const id of ['rv-callback', 'rv-called']) expect((await h.as(handler, 'POST', `/api/staff/warnings/${id}/reply`, { text: '已约谈窗口人员并张贴材料清单' })).status).toBe(200);
    // rv-called: the phone call-back is recorded; the on-site check still keeps it in 待回访.
    const called = await h.as(s['callback']!, 'POST', '/api/staff/warnings/rv-called/phone-callback', { calledAt: h.deps.clock.now().toISOString(), satisfied: true, notes: '群众表示满意' });
    expect(called.status, await called.clone().text()).toBe(200);
  });
  afterAll(async () => h?.close());

  const reveal = (who: string, id: string, body: unknown) => h.as(s[who]!, 'POST', `/api/staff/warnings/${id}/contact/reveal`, body);
  const revealEvents = async () =>
    (await h.store.readStream(accessLogStreamId(h.deps.clock.now()))).filter((event) => event.type === 'PersonalDataRevealed');

  it('reveals the phone to a call-back officer of a warning awaiting its call-back, with a reason, no-store, and logs who, why and whose — never the number', async () => {
    const res = await reveal('callback', 'rv-callback', { reason: '回访核实整改情况' });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toContain('no-store');
    expect(await res.json()).toEqual({ phone: PHONE, field: 'phone' });
    const events = await revealEvents();
    expect(events).toHaveLength(1);
    expect(events[0]!.data).toMatchObject({ accountId: 'callback', role: 'callback_officer', subject: { kind: 'warning', id: 'rv-callback' }, field: 'phone', reason: '回访核实整改情况' });
    expect(JSON.stringify([events[0]!.data, events[0]!.metadata])).not.toContain(PHONE);
  });

  it('refuses a call-back officer before the warning awaits its call-back, and once the call is recorded (409, in both languages), logging nothing', async () => {
    const before = (await revealEvents()).length;
    expect((await h.store.readStream('warning-rv-called')).map((event) => event.type)).toContain('PhoneCallbackRecorded');
    for (const id of ['rv-real', 'rv-reply', 'rv-called']) {
      const res = await reveal('callback', id, { reason: '提前核实联系方式' });
      expect(res.status, id).toBe(409);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      const text = await res.text();
      expect(text).not.toContain(PHONE);
      expect(JSON.parse(text)).toMatchObject({ code: 'REVEAL_NOT_AWAITING_CALLBACK', detail: '仅在待电话回访时可查看完整号码' });
    }
    const english = await h.as(s['callback']!, 'POST', '/api/staff/warnings/rv-reply/contact/reveal', { reason: 'checking early' }, { 'accept-language': 'en' });
    expect(english.status).toBe(409);
    expect(((await english.json()) as { detail: string }).detail).toMatch(/only while the warning awaits its phone call-back/);
    expect((await revealEvents()).length).toBe(before);
  });

  it('lets an administrator reveal in any phase, and logs each reveal', async () => {
    const before = (await revealEvents()).length;
    for (const id of ['rv-real', 'rv-reply']) {
      const res = await reveal('admin', id, { reason: '核查投诉' });
      expect(res.status, id).toBe(200);
      expect(await res.json()).toEqual({ phone: PHONE, field: 'phone' });
    }
    const events = (await revealEvents()).slice(before);
    expect(events.map((event) => event.data)).toMatchObject([
      { accountId: 'admin', role: 'administrator', subject: { kind: 'warning', id: 'rv-real' } },
      { accountId: 'admin', role: 'administrator', subject: { kind: 'warning', id: 'rv-reply' } },
    ]);
  });

  it('refuses without a reason (422 naming reason) and without the permission (403), logging nothing', async () => {
    const before = (await revealEvents()).length;
    const missing = await reveal('admin', 'rv-real', {});
    expect(missing.status).toBe(422);
    expect(JSON.stringify(await missing.json())).toContain('reason');
    const blank = await reveal('admin', 'rv-real', { reason: '   ' });
    expect(blank.status).toBe(422);
    expect((await reveal('dispatcher', 'rv-real', { reason: '想看看' })).status).toBe(403);
    expect((await reveal('handler-rsj', 'rv-real', { reason: '想看看' })).status).toBe(403);
    expect((await revealEvents()).length).toBe(before);
  });

  it('has nothing to reveal for an anonymous rater (409), and the call-back path never contacts them', async () => {
    const res = await reveal('admin', 'rv-anon', { reason: '回访' });
    expect(res.status).toBe(409);
    expect(((await res.json()) as { code: string }).code).toBe('CONTACT_ANONYMOUS');
    const resolve = citizenPhoneResolver(h.store, h.deps.access.vault);
    expect(await resolve('invitation-inv-anon')).toBeNull();
    expect(await resolve('invitation-inv-real')).toBe(PHONE);
  });

  it('the call-back path gives up on an erased phone, but a keyring without its key is a fault to retry, not silence', async () => {
    // The sealing key is k1 (generatePiiKeyring's default); both keyrings below lack it.
    const erased = createPiiVault({ keyring: { ...generatePiiKeyring('k2'), destroyed: ['k1'] } });
    expect(await citizenPhoneResolver(h.store, erased)('invitation-inv-real')).toBeNull();
    const misconfigured = createPiiVault({ keyring: generatePiiKeyring('k2') });
    await expect(citizenPhoneResolver(h.store, misconfigured)('invitation-inv-real')).rejects.toMatchObject({ code: 'PII_KEY_UNKNOWN' });
  });
});
