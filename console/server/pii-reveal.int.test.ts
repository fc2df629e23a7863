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
 * raters have nothing to reveal and are never contacted.
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
    await h.raise('rv-real', { ...scjWarning(), citizenContactRef: 'invitation-inv-real' });
    await h.raise('rv-anon', { ...scjWarning(), citizenContactRef: null });
  });
  afterAll(async () => h?.close());

  const reveal = (who: string, id: string, body: unknown) => h.as(s[who]!, 'POST', `/api/staff/warnings/${id}/contact/reveal`, body);
  const revealEvents = async () =>
    (await h.store.readStream(accessLogStreamId(h.deps.clock.now()))).filter((event) => event.type === 'PersonalDataRevealed');

  it('reveals the phone to a call-back officer with a reason, no-store, and logs who, why and whose — never the number', async () => {
    const res = await reveal('callback', 'rv-real', { reason: '回访核实整改情况' });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toContain('no-store');
    expect(await res.json()).toEqual({ phone: PHONE, field: 'phone' });
    const events = await revealEvents();
    expect(events).toHaveLength(1);
    expect(events[0]!.data).toMatchObject({ accountId: 'callback', role: 'callback_officer', subject: { kind: 'warning', id: 'rv-real' }, field: 'phone', reason: '回访核实整改情况' });
    expect(JSON.stringify([events[0]!.data, events[0]!.metadata])).not.toContain(PHONE);
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
