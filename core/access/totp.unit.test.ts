import { describe, expect, it } from 'vitest';
import { spec } from '../decider/testing.ts';
import { accountDecider } from './account/decider.ts';
import type { AccountEvent } from './account/events.ts';
import { newTotpSecret, totpCodeAt, totpTimeStepOf, totpUri } from './totp.ts';

// RFC 6238 Appendix B: the SHA-1 seed "12345678901234567890", in base32; the RFC's 8-digit codes, last 6 digits.
const rfcSecret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
const at = new Date('2026-03-03T02:00:00Z');
const admin = { id: 'admin', role: 'administrator' };
const holder = { id: 'auditor', role: 'auditor' };
const system = { id: 'system:demo-seed', role: 'system' };
const sealed = { v: 1 as const, kid: 'k1', iv: 'AAAAAAAAAAAAAAAA', ct: 'AAAAAAAAAAAAAAAAAAAAAAAA' };
const policy = { maxConsecutiveFailures: 3, lockoutMs: 15 * 60_000 };
const created: AccountEvent = {
  type: 'AccountCreated',
  data: {
    accountId: 'auditor',
    username: 'auditor',
    displayName: sealed,
    displayNameMasked: '审**',
    role: 'auditor',
    department: null,
    passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$QiATuVdN5dl7dHF9Q+NDpQ$D5H6k/G6Cu25j01M2+vfoI4s4uYAZrNQBiH+Vpia9EQ',
    by: 'system:demo-seed',
    at: at.toISOString(),
  },
};
const iso = at.toISOString();
const enrolled: AccountEvent = { type: 'TotpEnrolled', data: { secret: sealed, by: 'auditor', at: iso } };
const confirmed = (timeStep: number): AccountEvent => ({ type: 'TotpConfirmed', data: { timeStep, by: 'auditor', at: iso } });
const code = (timeStep: number | null) => ({ type: 'RecordTotpAttempt', at, actor: holder, timeStep, policy }) as const;

describe('TOTP arithmetic (RFC 6238, by otplib)', () => {
  it('gives the RFC 6238 test vectors', async () => {
    expect(await totpCodeAt(rfcSecret, new Date(59_000))).toBe('287082');
    expect(await totpCodeAt(rfcSecret, new Date(1_111_111_109_000))).toBe('081804');
    expect(await totpCodeAt(rfcSecret, new Date(2_000_000_000_000))).toBe('279037');
  });
  it('accepts a code one step either side and tells its step; refuses older codes and non-codes', async () => {
    const now = new Date(1_111_111_109_000);
    const step = Math.floor(1_111_111_109 / 30);
    expect(await totpTimeStepOf(rfcSecret, '081804', now)).toBe(step);
    expect(await totpTimeStepOf(rfcSecret, await totpCodeAt(rfcSecret, new Date(now.getTime() - 30_000)), now)).toBe(step - 1);
    expect(await totpTimeStepOf(rfcSecret, await totpCodeAt(rfcSecret, new Date(now.getTime() - 120_000)), now)).toBeNull();
    expect(await totpTimeStepOf(rfcSecret, '08180', now)).toBeNull();
    expect(await totpTimeStepOf(rfcSecret, 'abcdef', now)).toBeNull();
  });
  it('makes 160-bit secrets and otpauth URIs an authenticator app reads', () => {
    const secret = newTotpSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    const uri = new URL(totpUri(secret, 'auditor'));
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.searchParams.get('secret')).toBe(secret);
    // 30-second steps and 6 digits are the defaults every app assumes when the URI leaves them out.
    expect([null, '30']).toContain(uri.searchParams.get('period'));
    expect(uri.searchParams.get('issuer')).toBe('评改通 PingGai');
  });
});

describe('account decider: TOTP (两步验证)', () => {
  it('with a second factor, a right password is only PasswordVerified and resets no failure count', () => {
    const failed: AccountEvent = { type: 'SignInFailed', data: { reason: 'bad_code', consecutiveFailures: 2, at: iso } };
    spec(accountDecider)
      .given([created, enrolled, confirmed(10), failed])
      .when({ type: 'RecordSignInAttempt', at, actor: holder, passwordMatches: true, policy, secondFactor: true })
      .then([{ type: 'PasswordVerified', data: { at: iso } }]);
    // …so the third wrong code locks.
    spec(accountDecider)
      .given([created, enrolled, confirmed(10), failed, { type: 'PasswordVerified', data: { at: iso } }])
      .when(code(null))
      .then([
        { type: 'SignInFailed', data: { reason: 'bad_code', consecutiveFailures: 3, at: iso } },
        { type: 'AccountLocked', data: { reason: 'too_many_failures', until: new Date(at.getTime() + policy.lockoutMs).toISOString(), by: 'system:sign-in', at: iso } },
      ]);
  });
  it('confirms a pending enrolment with the first valid code, then accepts only later steps', () => {
    spec(accountDecider)
      .given([created, enrolled])
      .when(code(100))
      .then([confirmed(100), { type: 'SignInSucceeded', data: { at: iso } }]);
    spec(accountDecider)
      .given([created, enrolled, confirmed(100)])
      .when(code(101))
      .then([{ type: 'TotpCodeAccepted', data: { timeStep: 101, at: iso } }, { type: 'SignInSucceeded', data: { at: iso } }]);
    for (const replayed of [100, 99]) {
      spec(accountDecider)
        .given([created, enrolled, confirmed(100)])
        .when(code(replayed))
        .then([{ type: 'SignInFailed', data: { reason: 'bad_code', consecutiveFailures: 1, at: iso } }]);
    }
  });
  it('refuses a code from an account that never enrolled, and any code while locked', () => {
    spec(accountDecider).given([created]).when(code(5)).thenRefuses('TOTP_NOT_ENROLLED');
    const locked: AccountEvent = { type: 'AccountLocked', data: { reason: 'administrator', until: null, by: 'admin', at: iso } };
    spec(accountDecider)
      .given([created, enrolled, confirmed(1), locked])
      .when(code(5))
      .then([{ type: 'SignInFailed', data: { reason: 'locked', consecutiveFailures: 0, at: iso } }]);
  });
  it('lets the holder enrol (not re-enrol once confirmed), the seeding system enrol confirmed, and only administrators reset', () => {
    spec(accountDecider).given([created]).when({ type: 'EnrolTotp', at, actor: holder, secret: sealed }).then([enrolled]);
    spec(accountDecider).given([created]).when({ type: 'EnrolTotp', at, actor: { id: 'dispatcher', role: 'dispatcher' }, secret: sealed }).thenRefuses('ACCOUNT_FORBIDDEN');
    spec(accountDecider).given([created]).when({ type: 'EnrolTotp', at, actor: holder, secret: sealed, confirmed: true }).thenRefuses('ACCOUNT_FORBIDDEN');
    spec(accountDecider).given([created, enrolled, confirmed(3)]).when({ type: 'EnrolTotp', at, actor: holder, secret: sealed }).thenRefuses('TOTP_ALREADY_ENROLLED');
    spec(accountDecider)
      .given([created])
      .when({ type: 'EnrolTotp', at, actor: system, secret: sealed, confirmed: true })
      .then([
        { type: 'TotpEnrolled', data: { secret: sealed, by: system.id, at: iso } },
        { type: 'TotpConfirmed', data: { timeStep: 0, by: system.id, at: iso } },
      ]);
    spec(accountDecider).given([created, enrolled, confirmed(3)]).when({ type: 'ResetTotp', at, actor: holder }).thenRefuses('ACCOUNT_FORBIDDEN');
    spec(accountDecider).given([created, enrolled, confirmed(3)]).when({ type: 'ResetTotp', at, actor: admin }).then([{ type: 'TotpReset', data: { by: 'admin', at: iso } }]);
  });
  it('links a single sign-on subject by an administrator only', () => {
    const link = { type: 'LinkOidcSubject', at, issuer: 'https://sso.example.gov.cn', subject: 'gov-1' } as const;
    spec(accountDecider)
      .given([created])
      .when({ ...link, actor: admin })
      .then([{ type: 'OidcSubjectLinked', data: { issuer: link.issuer, subject: 'gov-1', by: 'admin', at: iso } }]);
    spec(accountDecider).given([created]).when({ ...link, actor: holder }).thenRefuses('ACCOUNT_FORBIDDEN');
  });
});
