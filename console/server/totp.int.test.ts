import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpCodeAt } from '../../core/access/totp.ts';
import type { StaffApiHarness } from './testing.ts';
import { createStaffApiHarness, testPassword } from './testing.ts';

const json = { 'content-type': 'application/json' };
const cookieOf = (res: Response, name: string): string => {
  const found = res.headers.getSetCookie().find((line) => line.startsWith(`${name}=`));
  if (!found) throw new Error(`no ${name} cookie in ${JSON.stringify(res.headers.getSetCookie())}`);
  return found.split(';')[0]!;
};

interface StepAnswer {
  stage: 'totp' | 'enrol' | 'signed_in';
  enrolment?: { secret: string; uri: string; qr: string };
  csrfToken?: string;
}

describe('TOTP two-factor sign-in (两步验证)', () => {
  let h: StaffApiHarness;
  beforeAll(async () => {
    h = await createStaffApiHarness({ totp: true });
  });
  afterAll(async () => h?.close());

  const password = async (username: string) => {
    const res = await h.request('/api/staff/session', { method: 'POST', headers: json, body: JSON.stringify({ username, password: testPassword }) });
    expect(res.status).toBe(200);
    const body = (await res.json()) as StepAnswer;
    // No session before the code: only the step cookie.
    expect(res.headers.getSetCookie().some((line) => line.startsWith('pinggai_staff='))).toBe(false);
    return { body, step: cookieOf(res, 'pinggai_staff_step') };
  };
  const code = (step: string, value: string) =>
    h.request('/api/staff/session', { method: 'POST', headers: { ...json, cookie: step }, body: JSON.stringify({ code: value }) });
  const now = () => h.deps.clock.now();

  it('makes an administrator enrol at the first sign-in: QR code, then a first valid code confirms and signs in', async () => {
    const { body, step } = await password('admin');
    expect(body.stage).toBe('enrol');
    expect(body.enrolment!.uri).toMatch(/^otpauth:\/\/totp\/.*secret=/);
    expect(body.enrolment!.qr).toMatch(/^data:image\/svg\+xml;base64,/);
    const secret = body.enrolment!.secret;
    // The step cookie opens no session.
    expect((await h.request('/api/staff/session/me', { headers: { cookie: step } })).status).toBe(401);
    // After a reload the page can ask where the sign-in stands: the same secret.
    const again = await h.request('/api/staff/session/step', { headers: { cookie: step } });
    expect(((await again.json()) as StepAnswer).enrolment!.secret).toBe(secret);

    const wrongCode = (await totpCodeAt(secret, now())) === '000000' ? '111111' : '000000';
    const wrong = await code(step, wrongCode);
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { code: string }).code).toBe('TOTP_CODE_INVALID');
    const notDigits = await code(step, '12ab56');
    expect(notDigits.status).toBe(422);
    expect(((await notDigits.json()) as { errors: { field: string }[] }).errors.map((e) => e.field)).toEqual(['code']);

    const ok = await code(step, await totpCodeAt(secret, now()));
    expect(ok.status).toBe(200);
    const session = cookieOf(ok, 'pinggai_staff');
    expect(((await ok.json()) as StepAnswer).stage).toBe('signed_in');
    expect((await h.request('/api/staff/session/me', { headers: { cookie: session } })).status).toBe(200);

    const events = await h.store.readStream('account-admin');
    expect(events.map((e) => e.type)).toEqual(['AccountCreated', 'PasswordVerified', 'TotpEnrolled', 'SignInFailed', 'TotpConfirmed', 'SignInSucceeded']);
    // The secret is sealed by the PII vault, never plain in the stream.
    expect(JSON.stringify(events.map((e) => e.data))).not.toContain(secret);
    // The step was used up.
    expect((await code(step, await totpCodeAt(secret, now()))).status).toBe(401);
  });

  let adminSecret = '';
  it('asks an enrolled administrator for the code, and refuses a code already used in its window', async () => {
    const events = await h.store.readStream('account-admin');
    const enrolled = events.find((e) => e.type === 'TotpEnrolled')!;
    adminSecret = await h.deps.access.vault.open((enrolled.data as { secret: never }).secret, 'totp_secret');
    const first = await password('admin');
    expect(first.body).toEqual({ stage: 'totp', expiresAt: expect.any(String) });
    expect(first.body.enrolment).toBeUndefined();
    // The code that confirmed the enrolment is the current one (the clock stands still): a replay.
    const replay = await code(first.step, await totpCodeAt(adminSecret, now()));
    expect(replay.status).toBe(401);
    expect(((await replay.json()) as { code: string }).code).toBe('TOTP_CODE_INVALID');
    h.advance(30_000);
    const fresh = await code(first.step, await totpCodeAt(adminSecret, now()));
    expect(fresh.status).toBe(200);
    const types = (await h.store.readStream('account-admin')).map((e) => e.type);
    expect(types.slice(-4)).toEqual(['PasswordVerified', 'SignInFailed', 'TotpCodeAccepted', 'SignInSucceeded']);
  });

  it('makes a call-back officer, who can reveal a rater’s phone, enrol at the first sign-in too', async () => {
    const { body, step } = await password('callback');
    expect(body.stage).toBe('enrol');
    expect((await h.request('/api/staff/session/me', { headers: { cookie: step } })).status).toBe(401);
    const ok = await code(step, await totpCodeAt(body.enrolment!.secret, now()));
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as StepAnswer).stage).toBe('signed_in');
    expect((await h.store.readStream('account-callback')).map((e) => e.type)).toEqual(['AccountCreated', 'PasswordVerified', 'TotpEnrolled', 'TotpConfirmed', 'SignInSucceeded']);
  });

  it('counts wrong codes towards the lockout; a right password between them resets nothing', async () => {
    const { body, step } = await password('auditor');
    expect(body.stage).toBe('enrol');
    const secret = body.enrolment!.secret;
    h.advance(30_000);
    // Confirm the enrolment first.
    expect((await code(step, await totpCodeAt(secret, now()))).status).toBe(200);
    h.advance(30_000);
    const right = await totpCodeAt(secret, now());
    const wrongCode = right === '000000' ? '111111' : '000000';
    const statuses: number[] = [];
    let current = await password('auditor');
    for (let i = 0; i < 3; i++) statuses.push((await code(current.step, wrongCode)).status);
    current = await password('auditor');
    for (let i = 0; i < 2; i++) statuses.push((await code(current.step, wrongCode)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 429]);
    // Locked: the password and the right code are both refused.
    const locked = await h.request('/api/staff/session', { method: 'POST', headers: json, body: JSON.stringify({ username: 'auditor', password: testPassword }) });
    expect(locked.status).toBe(429);
    expect(((await locked.json()) as { code: string }).code).toBe('ACCOUNT_LOCKED');
    const types = (await h.store.readStream('account-auditor')).map((e) => e.type);
    expect(types.filter((t) => t === 'AccountLocked')).toHaveLength(1);
    h.advance(16 * 60_000);
    const after = await password('auditor');
    expect((await code(after.step, await totpCodeAt(secret, now()))).status).toBe(200);
  });

  it('lets an administrator reset an account\'s TOTP: it enrols again at the next sign-in', async () => {
    const signIn = await password('admin');
    h.advance(30_000);
    const ok = await code(signIn.step, await totpCodeAt(adminSecret, now()));
    const session = { cookie: cookieOf(ok, 'pinggai_staff'), csrfToken: ((await ok.json()) as StepAnswer).csrfToken! };
    const reset = await h.as(session, 'POST', '/api/staff/session/totp-reset', { accountId: 'auditor' });
    expect(reset.status).toBe(200);
    expect(await reset.json()).toEqual({ accountId: 'auditor', totp: 'none' });
    expect((await h.store.readStream('account-auditor')).map((e) => e.type)).toContain('TotpReset');
    expect((await password('auditor')).body.stage).toBe('enrol');
    // Roles without the requirement sign in with the password alone; they may not reset.
    const dispatcher = await h.signIn('dispatcher');
    expect((await h.as(dispatcher, 'POST', '/api/staff/session/totp-reset', { accountId: 'admin' })).status).toBe(403);
  });
});
