import { describe, it } from 'vitest';
import { spec } from '../../decider/testing.ts';
import type { CreateAccount } from './commands.ts';
import { accountDecider } from './decider.ts';
import type { AccountEvent } from './events.ts';

const at = new Date('2026-03-03T02:00:00Z');
const system = { id: 'system:demo-seed', role: 'system' };
const hash = '$argon2id$v=19$m=19456,t=2,p=1$QiATuVdN5dl7dHF9Q+NDpQ$D5H6k/G6Cu25j01M2+vfoI4s4uYAZrNQBiH+Vpia9EQ';
const sealed = { v: 1 as const, kid: 'k1', iv: 'AAAAAAAAAAAAAAAA', ct: 'AAAAAAAAAAAAAAAAAAAAAAAA' };
const policy = { maxConsecutiveFailures: 5, lockoutMs: 15 * 60_000 };
const holder = { id: 'handler-scj', role: 'department_handler', department: 'SCJ' };

const create = (overrides: Partial<CreateAccount> = {}): CreateAccount => ({
  type: 'CreateAccount',
  at,
  actor: system,
  username: 'handler-scj',
  displayName: sealed,
  displayNameMasked: '张**',
  role: 'department_handler',
  department: 'SCJ',
  passwordHash: hash,
  ...overrides,
});

const created: AccountEvent = {
  type: 'AccountCreated',
  data: {
    accountId: 'handler-scj',
    username: 'handler-scj',
    displayName: sealed,
    displayNameMasked: '张**',
    role: 'department_handler',
    department: 'SCJ',
    passwordHash: hash,
    by: system.id,
    at: at.toISOString(),
  },
};

const failed = (n: number, when = at): AccountEvent => ({
  type: 'SignInFailed',
  data: { reason: 'bad_password', consecutiveFailures: n, at: when.toISOString() },
});
const attempt = (passwordMatches: boolean, when = at) =>
  ({ type: 'RecordSignInAttempt', at: when, actor: holder, passwordMatches, policy }) as const;
const minutes = (n: number) => new Date(at.getTime() + n * 60_000);

describe('account decider (工作人员账号)', () => {
  it('creates an account with a hashed password and a sealed name', () => {
    spec(accountDecider).given([]).when(create()).then([created]);
  });
  it('refuses a second account under the same username', () => {
    spec(accountDecider).given([created]).when(create()).thenRefuses('ACCOUNT_EXISTS');
  });
  it('refuses a plain-text password, a department role without a department, a bad username', () => {
    spec(accountDecider).given([]).when(create({ passwordHash: 'secret-password-1' })).thenRefuses('ACCOUNT_INVALID');
    spec(accountDecider).given([]).when(create({ department: null })).thenRefuses('ACCOUNT_INVALID');
    spec(accountDecider).given([]).when(create({ username: 'A B' })).thenRefuses('ACCOUNT_INVALID');
  });
  it('lets only administrators (or the system) create accounts', () => {
    spec(accountDecider).given([]).when(create({ actor: holder })).thenRefuses('ACCOUNT_FORBIDDEN');
  });
  it('records a successful sign-in', () => {
    spec(accountDecider).given([created]).when(attempt(true)).then([{ type: 'SignInSucceeded', data: { at: at.toISOString() } }]);
  });
  it('counts failures and locks for 15 minutes at the fifth', () => {
    spec(accountDecider).given([created, failed(1)]).when(attempt(false)).then([failed(2)]);
    spec(accountDecider)
      .given([created, failed(1), failed(2), failed(3), failed(4)])
      .when(attempt(false))
      .then([
        failed(5),
        { type: 'AccountLocked', data: { reason: 'too_many_failures', until: minutes(15).toISOString(), by: 'system:sign-in', at: at.toISOString() } },
      ]);
  });
  it('neither counts nor extends the lock while locked, even with the right password', () => {
    const locked: AccountEvent = { type: 'AccountLocked', data: { reason: 'too_many_failures', until: minutes(15).toISOString(), by: 'system:sign-in', at: at.toISOString() } };
    spec(accountDecider)
      .given([created, failed(5), locked])
      .when(attempt(true, minutes(5)))
      .then([{ type: 'SignInFailed', data: { reason: 'locked', consecutiveFailures: 5, at: minutes(5).toISOString() } }]);
    // After the lock runs out, the count starts again.
    spec(accountDecider).given([created, failed(5), locked]).when(attempt(false, minutes(16))).then([failed(1, minutes(16))]);
  });
  it('a success resets the count', () => {
    spec(accountDecider).given([created, failed(4), { type: 'SignInSucceeded', data: { at: at.toISOString() } }]).when(attempt(false)).then([failed(1)]);
  });
  it('refuses sign-in to a disabled account as an event', () => {
    spec(accountDecider)
      .given([created, { type: 'AccountDisabled', data: { by: 'admin', reason: '离职', at: at.toISOString() } }])
      .when(attempt(true))
      .then([{ type: 'SignInFailed', data: { reason: 'disabled', consecutiveFailures: 0, at: at.toISOString() } }]);
  });
  it('an administrator lock holds until unlocked', () => {
    const admin = { id: 'admin', role: 'administrator' };
    const lock: AccountEvent = { type: 'AccountLocked', data: { reason: 'administrator', until: null, by: 'admin', at: at.toISOString() } };
    spec(accountDecider).given([created]).when({ type: 'LockAccount', at, actor: admin, until: null }).then([lock]);
    spec(accountDecider).given([created]).when({ type: 'LockAccount', at, actor: holder, until: null }).thenRefuses('ACCOUNT_FORBIDDEN');
    spec(accountDecider)
      .given([created, lock])
      .when(attempt(true, minutes(60 * 24 * 30)))
      .then([{ type: 'SignInFailed', data: { reason: 'locked', consecutiveFailures: 0, at: minutes(60 * 24 * 30).toISOString() } }]);
    spec(accountDecider).given([created, lock]).when({ type: 'UnlockAccount', at, actor: admin }).then([{ type: 'AccountUnlocked', data: { by: 'admin', at: at.toISOString() } }]);
  });
  it('lets the holder change their own password, not someone else', () => {
    spec(accountDecider)
      .given([created])
      .when({ type: 'ChangePassword', at, actor: holder, passwordHash: hash })
      .then([{ type: 'PasswordChanged', data: { passwordHash: hash, by: holder.id, at: at.toISOString() } }]);
    spec(accountDecider)
      .given([created])
      .when({ type: 'ChangePassword', at, actor: { id: 'handler-rsj', role: 'department_handler' }, passwordHash: hash })
      .thenRefuses('ACCOUNT_FORBIDDEN');
  });
  it('records sign-out everywhere as the instant older sessions became void', () => {
    spec(accountDecider)
      .given([created])
      .when({ type: 'RecordSignOut', at, actor: holder, everywhere: true })
      .then([{ type: 'SignedOut', data: { everywhere: true, at: at.toISOString() } }]);
    spec(accountDecider).given([created, { type: 'SignedOut', data: { everywhere: true, at: at.toISOString() } }]).thenState({
      status: 'active',
      accountId: 'handler-scj',
      username: 'handler-scj',
      displayNameMasked: '张**',
      role: 'department_handler',
      department: 'SCJ',
      passwordHash: hash,
      consecutiveFailures: 0,
      lock: null,
      sessionsValidFrom: at.toISOString(),
      totp: null,
      oidc: null,
    });
  });
});
