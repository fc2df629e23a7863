import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StaffApiHarness } from './testing.ts';
import { createStaffApiHarness, scjWarning } from './testing.ts';

type Session = Awaited<ReturnType<StaffApiHarness['signIn']>>;
type Problem = { code: string; errors: { field: string; message: string }[] };

/**
 * An Idempotency-Key names one request: sent again with the same request it is answered from the
 * record (a retry), sent with a different one it is refused, naming the header, and nothing changes.
 */
describe('an Idempotency-Key reused for a different request (staff API)', () => {
  let h: StaffApiHarness;
  let dispatcher: Session, handler: Session, admin: Session;
  beforeAll(async () => {
    h = await createStaffApiHarness();
    [dispatcher, handler, admin] = (await Promise.all(['dispatcher', 'handler-scj', 'admin'].map((u) => h.signIn(u)))) as [Session, Session, Session];
  });
  afterAll(async () => h?.close());

  const types = async (streamId: string) => (await h.store.readStream(streamId)).map((event) => event.type);

  it('refuses the key with another body, or on another action of the same warning, and appends nothing', async () => {
    await h.raise('w-key', scjWarning());
    expect((await h.as(dispatcher, 'POST', '/api/staff/warnings/w-key/dispatch', {})).status).toBe(200);
    const key = { 'idempotency-key': 'status-note-0001' };
    expect((await h.as(handler, 'POST', '/api/staff/warnings/w-key/status', { note: '已约谈窗口人员' }, key)).status).toBe(200);

    const retry = await h.as(handler, 'POST', '/api/staff/warnings/w-key/status', { note: '已约谈窗口人员' }, key);
    expect(retry.status).toBe(200);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');

    const otherNote = await h.as(handler, 'POST', '/api/staff/warnings/w-key/status', { note: '已调整叫号规则' }, key);
    expect(otherNote.status).toBe(422);
    expect(otherNote.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const problem = (await otherNote.json()) as Problem;
    expect(problem.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(problem.errors[0]!.field).toBe('header.idempotency-key');

    const otherAction = await h.as(handler, 'POST', '/api/staff/warnings/w-key/reply', { text: '已优化叫号流程', evidence: [] }, key);
    expect(otherAction.status).toBe(422);
    expect(((await otherAction.json()) as Problem).errors[0]!.field).toBe('header.idempotency-key');
    expect(await types('warning-w-key')).toEqual(['WarningRaised', 'WarningDispatched', 'WarningStatusUpdated']);
  });

  it('answers in English when asked, and refuses an account lock with another time under the same key', async () => {
    const key = { 'idempotency-key': 'lock-dispatcher-0001' };
    const until = '2026-12-31T16:00:00.000Z';
    expect((await h.as(admin, 'POST', '/api/staff/accounts/auditor/lock', { until }, key)).status).toBe(200);
    const changed = await h.as(admin, 'POST', '/api/staff/accounts/auditor/lock', { until: null }, { ...key, 'accept-language': 'en' });
    expect(changed.status).toBe(422);
    expect(((await changed.json()) as Problem).errors[0]!.message).toMatch(/already used for a different request/);
    expect((await types('account-auditor')).filter((type) => type === 'AccountLocked')).toHaveLength(1);
  });
});
