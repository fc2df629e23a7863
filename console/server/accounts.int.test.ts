import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StaffApiHarness } from './testing.ts';
import { createStaffApiHarness, testPassword } from './testing.ts';

const signInBody = (username: string, password: string) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ username, password }),
});

describe('account administration (账号管理)', () => {
  let h: StaffApiHarness;
  let admin: Awaited<ReturnType<StaffApiHarness['signIn']>>;
  const password = `pw-${crypto.randomUUID()}`;
  beforeAll(async () => {
    h = await createStaffApiHarness();
    admin = await h.signIn('admin');
  });
  afterAll(async () => h?.close());

  it('creates an account (retry-safe), shows it masked, and the new officer can sign in', async () => {
    const body = { username: 'Handler-JYJ', displayName: '李四', role: 'department_handler', department: 'JYJ', password };
    const key = { 'idempotency-key': 'create-handler-jyj' };
    const created = await h.as(admin, 'POST', '/api/staff/accounts', body, key);
    expect(created.status).toBe(201);
    expect(await created.json()).toEqual({
      account: expect.objectContaining({ id: 'handler-jyj', displayNameMasked: '李*', role: 'department_handler', department: 'JYJ', status: 'active' }),
    });
    expect((await h.as(admin, 'POST', '/api/staff/accounts', body, key)).status).toBe(201);
    expect((await h.store.readStream('account-handler-jyj')).map((e) => e.type)).toEqual(['AccountCreated']);
    const duplicate = await h.as(admin, 'POST', '/api/staff/accounts', body);
    expect(duplicate.status).toBe(409);
    expect((await h.request('/api/staff/session', signInBody('handler-jyj', password))).status).toBe(200);
  });

  it('refuses a weak password and a department role without a department, naming the field', async () => {
    const weak = await h.as(admin, 'POST', '/api/staff/accounts', { username: 'weak-one', displayName: '王五', role: 'auditor', department: null, password: 'short' });
    expect(weak.status).toBe(422);
    expect(((await weak.json()) as { errors: { field: string }[] }).errors[0]!.field).toBe('password');
    const homeless = await h.as(admin, 'POST', '/api/staff/accounts', { username: 'no-dept', displayName: '王五', role: 'department_handler', department: null, password });
    expect(homeless.status).toBe(422);
    expect(((await homeless.json()) as { errors: { field: string }[] }).errors[0]!.field).toBe('department');
  });

  it('unlocks a locked-out officer before the lock runs out', async () => {
    for (let i = 0; i < 5; i++) await h.request('/api/staff/session', signInBody('auditor', `wrong guess ${i}!!`));
    expect((await h.request('/api/staff/session', signInBody('auditor', testPassword))).status).toBe(429);
    const unlocked = await h.as(admin, 'POST', '/api/staff/accounts/auditor/unlock', undefined);
    expect(unlocked.status).toBe(200);
    expect(await unlocked.json()).toMatchObject({ account: { lockedUntil: null, consecutiveFailures: 0 } });
    expect((await h.request('/api/staff/session', signInBody('auditor', testPassword))).status).toBe(200);
  });

  it('disabling an account ends its sessions and refuses its sign-in', async () => {
    const victim = await h.signIn('appraisal');
    const res = await h.as(admin, 'POST', '/api/staff/accounts/appraisal/disable', { reason: '调离岗位' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ account: { status: 'disabled' } });
    expect((await h.as(victim, 'GET', '/api/staff/session/me')).status).toBe(401);
    expect((await h.request('/api/staff/session', signInBody('appraisal', testPassword))).status).toBe(401);
  });

  it('answers 404 for an account that does not exist', async () => {
    expect((await h.as(admin, 'GET', '/api/staff/accounts/nobody-at-all')).status).toBe(404);
    expect((await h.as(admin, 'POST', '/api/staff/accounts/nobody-at-all/disable', { reason: 'x' })).status).toBe(404);
    // Names no account could have, a NUL byte among them (the database refuses NUL in text): 404, not 500.
    for (const id of ['%00', 'a%00b', 'x', '%E4%B8%AD%E6%96%87']) {
      expect((await h.as(admin, 'GET', `/api/staff/accounts/${id}`)).status, id).toBe(404);
      expect((await h.as(admin, 'POST', `/api/staff/accounts/${id}/lock`, { until: null })).status, id).toBe(404);
    }
  });
});
