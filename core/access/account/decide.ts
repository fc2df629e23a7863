import { assertNever } from '../../decider/decider.ts';
import type { Actor } from '../../eventstore/types.ts';
import { DomainError } from '../../shared/errors.ts';
import { departmentBound, isStaffRole } from '../roles.ts';
import type { AccountCommand, CreateAccount, EnrolTotp, LockoutPolicy, RecordSignInAttempt, RecordTotpAttempt } from './commands.ts';
import type { AccountEvent } from './events.ts';
import type { AccountState, ExistingAccount } from './state.ts';
import { isLockedAt } from './state.ts';
import { USERNAME_PATTERN } from './stream.ts';

/** Refuses in both languages: the message in Chinese, `en` shown to English readers (problem+json). */
const refuse = (code: string, message: string, en: string, status = 409, details: Record<string, unknown> = {}): never => {
  throw new DomainError(code, message, { status, details: { ...details, en } });
};
const invalid = (field: string, message: string, en: string): never => refuse('ACCOUNT_INVALID', message, en, 422, { field });

const existing = (state: AccountState): ExistingAccount =>
  state.status === 'none' ? refuse('ACCOUNT_NOT_FOUND', '账号不存在', 'No such account.', 404) : state;

/** Account administration is for administrators (or the seeding system itself). */
const requireAdministrator = (actor: Actor): void => {
  if (actor.role !== 'administrator' && actor.role !== 'system') refuse('ACCOUNT_FORBIDDEN', '只有系统管理员可以管理账号', 'Only an administrator may manage accounts.', 403);
};

// argon2id in PHC format; anything else means the caller forgot to hash.
const ARGON2ID_PHC = /^\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/;
const requireHash = (hash: string): void => {
  if (!ARGON2ID_PHC.test(hash)) invalid('passwordHash', '密码必须以 argon2id 散列后提交', 'The password must come hashed with argon2id.');
};

const createAccount = (command: CreateAccount, state: AccountState): AccountEvent[] => {
  requireAdministrator(command.actor);
  if (state.status !== 'none') refuse('ACCOUNT_EXISTS', '该用户名已被使用', 'That username is taken.', 409, { field: 'username' });
  if (!USERNAME_PATTERN.test(command.username)) invalid('username', '用户名须为 3–64 位小写字母、数字、点、下划线或连字符', 'The username must be 3–64 lower-case letters, digits, dots, underscores or hyphens.');
  if (!isStaffRole(command.role)) invalid('role', '未知角色', 'Unknown role.');
  const department = command.department?.trim() || null;
  if (departmentBound.has(command.role) && department === null) invalid('department', '该角色必须属于一个部门', 'This role must belong to a department.');
  if (command.displayNameMasked.trim() === '') invalid('displayName', '姓名不能为空', 'The name must not be empty.');
  requireHash(command.passwordHash);
  return [
    {
      type: 'AccountCreated',
      data: {
        accountId: command.username,
        username: command.username,
        displayName: command.displayName,
        displayNameMasked: command.displayNameMasked,
        role: command.role,
        department,
        passwordHash: command.passwordHash,
        by: command.actor.id,
        at: command.at.toISOString(),
      },
    },
  ];
};

/**
 * Judges one sign-in attempt. Refusals are events, not errors: the access log must show them and
 * they count towards the lockout. An attempt on a locked account is logged but neither counted nor
 * extends the lock, so an attacker cannot keep an officer locked out forever by guessing.
 */
const countFailure = (
  account: ExistingAccount,
  reason: 'bad_password' | 'bad_code',
  at: Date,
  policy: LockoutPolicy,
): AccountEvent[] => {
  // A lock that ran out starts a fresh count.
  const consecutiveFailures = (account.lock === null ? account.consecutiveFailures : 0) + 1;
  const events: AccountEvent[] = [{ type: 'SignInFailed', data: { reason, consecutiveFailures, at: at.toISOString() } }];
  if (consecutiveFailures >= policy.maxConsecutiveFailures) {
    events.push({
      type: 'AccountLocked',
      data: {
        reason: 'too_many_failures',
        until: new Date(at.getTime() + policy.lockoutMs).toISOString(),
        by: 'system:sign-in',
        at: at.toISOString(),
      },
    });
  }
  return events;
};

/** Disabled or locked accounts: the attempt is logged but neither counted nor extends the lock. */
const refusedOutright = (account: ExistingAccount, at: Date): AccountEvent[] | null => {
  const reason = account.status === 'disabled' ? 'disabled' : isLockedAt(account, at) ? 'locked' : null;
  return reason === null ? null : [{ type: 'SignInFailed', data: { reason, consecutiveFailures: account.consecutiveFailures, at: at.toISOString() } }];
};

/**
 * Judges one sign-in attempt. Refusals are events, not errors: the access log must show them and
 * they count towards the lockout. An attempt on a locked account is logged but neither counted nor
 * extends the lock, so an attacker cannot keep an officer locked out forever by guessing.
 * With a second factor, a right password resets nothing: only the code completes the sign-in, so
 * knowing the password does not buy unlimited guesses at the code.
 */
const recordSignInAttempt = (command: RecordSignInAttempt, state: AccountState): AccountEvent[] => {
  const account = existing(state);
  const refused = refusedOutright(account, command.at);
  if (refused) return refused;
  if (command.passwordMatches) {
    return [{ type: command.secondFactor === true ? 'PasswordVerified' : 'SignInSucceeded', data: { at: command.at.toISOString() } }];
  }
  return countFailure(account, 'bad_password', command.at, command.policy);
};

/**
 * The TOTP step: a code valid for a time step later than the last accepted one completes the
 * sign-in (and confirms a pending enrolment); a wrong or replayed code counts as a failure.
 */
const recordTotpAttempt = (command: RecordTotpAttempt, state: AccountState): AccountEvent[] => {
  const account = existing(state);
  if (account.totp === null) refuse('TOTP_NOT_ENROLLED', '尚未登记两步验证', 'Two-step verification is not set up.', 409);
  const totp = account.totp!;
  const refused = refusedOutright(account, command.at);
  if (refused) return refused;
  const at = command.at.toISOString();
  if (command.timeStep !== null && Number.isSafeInteger(command.timeStep) && (totp.lastTimeStep === null || command.timeStep > totp.lastTimeStep)) {
    return [
      totp.status === 'pending'
        ? { type: 'TotpConfirmed', data: { timeStep: command.timeStep, by: command.actor.id, at } }
        : { type: 'TotpCodeAccepted', data: { timeStep: command.timeStep, at } },
      { type: 'SignInSucceeded', data: { at } },
    ];
  }
  return countFailure(account, 'bad_code', command.at, command.policy);
};

const enrolTotp = (command: EnrolTotp, state: AccountState): AccountEvent[] => {
  const account = existing(state);
  if (account.status === 'disabled') refuse('ACCOUNT_DISABLED', '账号已停用', 'The account is disabled.');
  const system = command.actor.role === 'system';
  if (command.actor.id !== account.accountId && !system) refuse('ACCOUNT_FORBIDDEN', '只能为自己的账号登记两步验证', 'Two-step verification can only be set up for your own account.', 403);
  if (command.confirmed === true && !system) refuse('ACCOUNT_FORBIDDEN', '两步验证须以一个有效验证码确认', 'Two-step verification must be confirmed with a valid code.', 403);
  if (account.totp?.status === 'confirmed') refuse('TOTP_ALREADY_ENROLLED', '已启用两步验证;如需更换,请管理员重置', 'Two-step verification is already on; to change it, ask an administrator to reset it.', 409);
  const at = command.at.toISOString();
  const enrolled: AccountEvent = { type: 'TotpEnrolled', data: { secret: command.secret, by: command.actor.id, at } };
  return command.confirmed === true ? [enrolled, { type: 'TotpConfirmed', data: { timeStep: 0, by: command.actor.id, at } }] : [enrolled];
};

export const decide = (command: AccountCommand, state: AccountState): AccountEvent[] => {
  switch (command.type) {
    case 'CreateAccount':
      return createAccount(command, state);
    case 'ChangePassword': {
      const account = existing(state);
      if (account.status === 'disabled') refuse('ACCOUNT_DISABLED', '账号已停用', 'The account is disabled.');
      // Only the holder or an administrator.
      if (command.actor.id !== account.accountId) requireAdministrator(command.actor);
      requireHash(command.passwordHash);
      return [{ type: 'PasswordChanged', data: { passwordHash: command.passwordHash, by: command.actor.id, at: command.at.toISOString() } }];
    }
    case 'RecordSignInAttempt':
      return recordSignInAttempt(command, state);
    case 'LockAccount': {
      requireAdministrator(command.actor);
      existing(state);
      if (command.until !== null && command.until.getTime() <= command.at.getTime()) invalid('until', '锁定截止时间须晚于现在', 'The lock must end in the future.');
      return [
        {
          type: 'AccountLocked',
          data: { reason: 'administrator', until: command.until?.toISOString() ?? null, by: command.actor.id, at: command.at.toISOString() },
        },
      ];
    }
    case 'UnlockAccount': {
      requireAdministrator(command.actor);
      const account = existing(state);
      if (account.lock === null && account.consecutiveFailures === 0) return [];
      return [{ type: 'AccountUnlocked', data: { by: command.actor.id, at: command.at.toISOString() } }];
    }
    case 'DisableAccount': {
      requireAdministrator(command.actor);
      const account = existing(state);
      if (account.status === 'disabled') return [];
      const reason = command.reason.trim();
      if (reason === '') invalid('reason', '请填写停用原因', 'Give a reason for disabling the account.');
      return [{ type: 'AccountDisabled', data: { by: command.actor.id, reason, at: command.at.toISOString() } }];
    }
    case 'RecordTotpAttempt':
      return recordTotpAttempt(command, state);
    case 'EnrolTotp':
      return enrolTotp(command, state);
    case 'ResetTotp': {
      requireAdministrator(command.actor);
      const account = existing(state);
      if (account.totp === null) return [];
      return [{ type: 'TotpReset', data: { by: command.actor.id, at: command.at.toISOString() } }];
    }
    case 'LinkOidcSubject': {
      requireAdministrator(command.actor);
      const account = existing(state);
      if (account.status === 'disabled') refuse('ACCOUNT_DISABLED', '账号已停用', 'The account is disabled.');
      if (command.subject.trim() === '' || command.subject.length > 255) invalid('subject', '统一身份认证标识须为 1–255 个字符', 'The single sign-on subject must be 1–255 characters.');
      if (account.oidc?.issuer === command.issuer && account.oidc.subject === command.subject) return [];
      return [{ type: 'OidcSubjectLinked', data: { issuer: command.issuer, subject: command.subject, by: command.actor.id, at: command.at.toISOString() } }];
    }
    case 'RecordSignOut':
      existing(state);
      return [{ type: 'SignedOut', data: { everywhere: command.everywhere, at: command.at.toISOString() } }];
    default:
      return assertNever(command);
  }
};
