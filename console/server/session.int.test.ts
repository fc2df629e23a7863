import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StaffApiHarness } from './testing.ts';
import { createStaffApiHarness, scjWarning, testPassword } from './testing.ts';

const json = { 'content-type': 'application/json' };
const signInBody = (username: string, password: string) => ({ method: 'POST', headers: json, body: JSON.stringify({ username, password }) });

describe('staff sessions (登录、退出、CSRF)', () => {
  let h: StaffApiHarness;
  beforeAll(async () => {
    h = await createStaffApiHarness();
  });
  afterAll(async () => h?.close());

  it('signs in with a HttpOnly SameSite=Lax cookie, answers who it is, and logs the sign-in as an event', async () => {
    const res = await h.request('/api/staff/session', signInBody('Dispatcher', testPassword));
    expect(res.status).toBe(200);
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^pinggai_staff=[A-Za-z0-9_-]{43};/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Lax');
    expect(cookie).not.toContain('Secure');
    const body = (await res.json()) as { account: { id: string; role: string; displayName: string; permissions: string[] }; csrfToken: string };
    expect(body.account).toMatchObject({ id: 'dispatcher', role: 'dispatcher', displayName: '派单员' });
    expect(body.account.permissions).toContain('warning.dispatch');
    const me = await h.request('/api/staff/session/me', { headers: { cookie: cookie.split(';')[0]! } });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ account: { id: 'dispatcher' }, csrfToken: body.csrfToken });
    const events = await h.store.readStream('account-dispatcher');
    expect(events.map((e) => e.type)).toEqual(['AccountCreated', 'SignInSucceeded']);
    // Neither the password nor the plain name is in the account's events.
    const stored = JSON.stringify(events.map((e) => [e.data, e.metadata]));
    expect(stored).not.toContain(testPassword);
    expect(stored).not.toContain('派单员');
  });

  it('sets a Secure __Host- cookie over https', async () => {
    const res = await h.app.request('https://console.test/api/staff/session', signInBody('auditor', testPassword));
    expect(res.status).toBe(200);
    expect(res.headers.get('set-cookie')).toMatch(/^__Host-pinggai_staff=.*Secure/);
  });

  it('keeps only the token hash in app.staff_sessions', async () => {
    const { cookie } = await h.signIn('appraisal');
    const token = cookie.split('=')[1]!;
    const rows = await h.db.selectFrom('app.staff_sessions' as never).selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(token);
    expect(rows.length).toBeGreaterThan(0);
  });

  it('answers a wrong password and an unknown username alike (401) and records both', async () => {
    const wrong = await h.request('/api/staff/session', signInBody('callback', 'not the password at all'));
    const unknown = await h.request('/api/staff/session', signInBody('nobody-here', 'not the password at all'));
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(((await wrong.json()) as { code: string }).code).toBe('INVALID_CREDENTIALS');
    expect(((await unknown.json()) as { code: string }).code).toBe('INVALID_CREDENTIALS');
    expect((await h.store.readStream('account-callback')).map((e) => e.type)).toContain('SignInFailed');
    const log = await h.store.readStream('access-2026-03');
    expect(log.map((e) => e.type)).toContain('UnknownAccountSignInFailed');
    expect(JSON.stringify(log.map((e) => e.data))).not.toContain('nobody-here');
  });

  it('locks the account for 15 minutes after 5 failures in a row, even against the right password', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await h.request('/api/staff/session', signInBody('wglead', `guess number ${i} wrong`))).status);
    expect(statuses).toEqual([401, 401, 401, 401, 429]);
    const locked = await h.request('/api/staff/session', signInBody('wglead', testPassword));
    expect(locked.status).toBe(429);
    expect(locked.headers.get('retry-after')).toBe('900');
    expect(((await locked.json()) as { code: string }).code).toBe('ACCOUNT_LOCKED');
    const types = (await h.store.readStream('account-wglead')).map((e) => e.type);
    expect(types.filter((t) => t === 'SignInFailed')).toHaveLength(5);
    expect(types).toContain('AccountLocked');
    h.advance(16 * 60_000);
    expect((await h.request('/api/staff/session', signInBody('wglead', testPassword))).status).toBe(200);
  });

  it('refuses a sign-in that is not JSON (415) and names a missing field (422)', async () => {
    const form = await h.request('/api/staff/session', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'username=a&password=b' });
    expect(form.status).toBe(415);
    const missing = await h.request('/api/staff/session', { method: 'POST', headers: json, body: JSON.stringify({ username: 'admin' }) });
    expect(missing.status).toBe(422);
    expect(missing.headers.get('content-type')).toContain('application/problem+json');
    expect(((await missing.json()) as { errors: { field: string }[] }).errors.map((e) => e.field)).toEqual(['password']);
  });

  it('refuses a body over 1 MiB (413 naming the body), the sign-in included, and records nothing', async () => {
    const before = (await h.store.readStream('account-auditor')).length;
    const padded = JSON.stringify({ username: 'auditor', password: testPassword, pad: 'x'.repeat(1024 * 1024) });
    for (const headers of [json, { ...json, 'content-length': String(padded.length) }]) {
      const res = await h.request('/api/staff/session', { method: 'POST', headers, body: padded });
      expect(res.status).toBe(413);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(await res.json()).toMatchObject({ code: 'BODY_TOO_LARGE', errors: [{ field: 'body' }] });
    }
    expect((await h.store.readStream('account-auditor')).length).toBe(before);
  });

  it('refuses a state-changing request without the CSRF token, with a wrong one, or from another origin', async () => {
    await h.raise('w-csrf', scjWarning());
    const session = await h.signIn('dispatcher');
    const body = JSON.stringify({});
    const headers = { cookie: session.cookie, 'content-type': 'application/json', 'idempotency-key': 'csrf-test-0001' };
    const without = await h.request('/api/staff/warnings/w-csrf/dispatch', { method: 'POST', headers, body });
    expect(without.status).toBe(403);
    expect(((await without.json()) as { code: string }).code).toBe('CSRF_TOKEN_INVALID');
    const wrong = await h.request('/api/staff/warnings/w-csrf/dispatch', { method: 'POST', headers: { ...headers, 'x-csrf-token': 'x'.repeat(43) }, body });
    expect(wrong.status).toBe(403);
    const foreign = await h.request('/api/staff/warnings/w-csrf/dispatch', {
      method: 'POST',
      headers: { ...headers, 'x-csrf-token': session.csrfToken, origin: 'https://evil.example' },
      body,
    });
    expect(foreign.status).toBe(403);
    expect(((await foreign.json()) as { code: string }).code).toBe('CSRF_ORIGIN_REFUSED');
    const signOut = await h.request('/api/staff/session', { method: 'DELETE', headers: { cookie: session.cookie } });
    expect(signOut.status).toBe(403);
    // Nothing was dispatched.
    expect((await h.store.readStream('warning-w-csrf')).map((e) => e.type)).toEqual(['WarningRaised']);
  });

  it('signs out this browser, and everywhere', async () => {
    const one = await h.signIn('handler-scj');
    const two = await h.signIn('handler-scj');
    const out = await h.as(one, 'DELETE', '/api/staff/session');
    expect(out.status).toBe(204);
    expect((await h.as(one, 'GET', '/api/staff/session/me')).status).toBe(401);
    expect((await h.as(two, 'GET', '/api/staff/session/me')).status).toBe(200);
    const three = await h.signIn('handler-scj');
    const everywhere = await h.as(three, 'DELETE', '/api/staff/session/all');
    expect(everywhere.status).toBe(200);
    expect(await everywhere.json()).toEqual({ ended: 2 });
    expect((await h.as(two, 'GET', '/api/staff/session/me')).status).toBe(401);
    expect((await h.as(three, 'GET', '/api/staff/session/me')).status).toBe(401);
    const types = (await h.store.readStream('account-handler-scj')).map((e) => e.type);
    expect(types.filter((t) => t === 'SignedOut')).toHaveLength(2);
  });

  it('ends a session after 2 idle hours', async () => {
    const session = await h.signIn('handler-rsj');
    expect((await h.as(session, 'GET', '/api/staff/session/me')).status).toBe(200);
    h.advance(2 * 3_600_000 + 1);
    expect((await h.as(session, 'GET', '/api/staff/session/me')).status).toBe(401);
  });

  it('changes the password with the current one and ends the other sessions', async () => {
    const old = await h.signIn('staff-0412');
    const current = await h.signIn('staff-0412');
    const newPassword = `new-${crypto.randomUUID()}`;
    const wrong = await h.as(current, 'POST', '/api/staff/session/password', { currentPassword: 'wrong password!!', newPassword });
    expect(wrong.status).toBe(422);
    const short = await h.as(current, 'POST', '/api/staff/session/password', { currentPassword: testPassword, newPassword: 'short' });
    expect(short.status).toBe(422);
    const changed = await h.as(current, 'POST', '/api/staff/session/password', { currentPassword: testPassword, newPassword });
    expect(changed.status).toBe(200);
    expect((await h.as(old, 'GET', '/api/staff/session/me')).status).toBe(401);
    expect((await h.request('/api/staff/session', signInBody('staff-0412', testPassword))).status).toBe(401);
    expect((await h.request('/api/staff/session', signInBody('staff-0412', newPassword))).status).toBe(200);
  });
});
