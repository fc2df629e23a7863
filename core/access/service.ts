import type { Kysely } from 'kysely';
import type { CommandRef } from '../decider/command-handler.ts';
import { handleCommand } from '../decider/command-handler.ts';
import { fold } from '../decider/decider.ts';
import type { Actor, EventStore } from '../eventstore/types.ts';
import { maskName } from '../pii/mask.ts';
import type { PiiVault } from '../pii/vault.ts';
import { DomainError } from '../shared/errors.ts';
import { logAccess, usernameDigest } from './access-log.ts';
import type { LockoutPolicy } from './account/commands.ts';
import { accountDecider } from './account/decider.ts';
import type { AccountEvent } from './account/events.ts';
import type { AccountState, ExistingAccount } from './account/state.ts';
import { isLockedAt } from './account/state.ts';
import { accountStreamId, normalizeUsername, USERNAME_PATTERN } from './account/stream.ts';
import { checkPasswordPolicy, hashPassword, verifyAgainstDecoy, verifyPassword } from './passwords.ts';
import type { StaffRole } from './roles.ts';
import type { StaffPrincipal } from './scope.ts';
import type { AccessDatabase, ActiveSession, SessionPolicy, StartedSession } from './sessions.ts';
import { endSignInStep, findSignInStep, startSignInStep } from './sign-in-steps.ts';
import { newTotpSecret, totpRequiredRoles, totpTimeStepOf, totpUri } from './totp.ts';
import { defaultSessionPolicy, endAllSessions, endSession, findSession, startSession } from './sessions.ts';

export interface AccessDeps {
  readonly store: EventStore;
  readonly db: Kysely<AccessDatabase>;
  readonly vault: PiiVault;
  readonly clock: { now(): Date };
  /** A fresh unique id (command ids of sign-in attempts, log entry ids). */
  readonly newId: () => string;
  /** Default: 5 failures in a row → locked for 15 minutes. */
  readonly lockout?: LockoutPolicy;
  readonly sessions?: SessionPolicy;
  /** Roles that sign in with a TOTP code as well (default: administrator, auditor, appraisal officer). */
  readonly secondFactorRoles?: readonly StaffRole[];
}

export const defaultLockoutPolicy: LockoutPolicy = { maxConsecutiveFailures: 5, lockoutMs: 15 * 60_000 };

const invalidCredentials = (): DomainError =>
  new DomainError('INVALID_CREDENTIALS', '用户名或密码错误', { status: 401, details: { en: 'Wrong username or password.' } });

const accountLocked = (until: string | null, now: Date): DomainError => {
  const retryAfterSeconds = until === null ? null : Math.max(1, Math.ceil((Date.parse(until) - now.getTime()) / 1000));
  return new DomainError('ACCOUNT_LOCKED', until === null ? '账号已被管理员锁定,请联系管理员' : '登录失败次数过多,账号已暂时锁定,请稍后再试', {
    status: 429,
    details: {
      en: until === null ? 'The account is locked by an administrator.' : 'Too many failed sign-ins; the account is locked for a while.',
      lockedUntil: until,
      retryAfterSeconds,
    },
  });
};

export const loadAccount = async (store: EventStore, accountId: string): Promise<AccountState> =>
  fold(accountDecider, (await store.readStream(accountStreamId(accountId))) as unknown as AccountEvent[]);

const principalOf = (account: ExistingAccount): StaffPrincipal => ({
  accountId: account.accountId,
  role: account.role,
  department: account.department,
});

const actorOf = (principal: StaffPrincipal): Actor => ({
  id: principal.accountId,
  role: principal.role,
  ...(principal.department ? { department: principal.department } : {}),
});

export interface NewAccount {
  readonly username: string;
  readonly displayName: string;
  readonly role: StaffRole;
  readonly department: string | null;
  readonly password: string;
}

/** 创建账号: the password is checked against the policy, hashed with argon2id; the name is sealed. */
export const createAccount = async (deps: AccessDeps, actor: Actor, input: NewAccount, command: CommandRef): Promise<string> => {
  checkPasswordPolicy(input.password);
  const username = normalizeUsername(input.username);
  await handleCommand(
    deps.store,
    accountStreamId(username),
    accountDecider,
    {
      type: 'CreateAccount',
      at: deps.clock.now(),
      actor,
      username,
      displayName: await deps.vault.seal(input.displayName.trim(), 'name'),
      displayNameMasked: maskName(input.displayName),
      role: input.role,
      department: input.department,
      passwordHash: await hashPassword(input.password),
    },
    { ...command, actor, now: deps.clock.now() },
  );
  return username;
};

export interface SignedIn {
  readonly principal: StaffPrincipal;
  readonly displayNameMasked: string;
  readonly session: StartedSession;
}

/**
 * The first factor was right but a TOTP code is still due (`totp`), or the account has to enrol
 * first (`enrol`: the new secret and its otpauth URI, shown once). `token` goes into a short-lived
 * cookie; it opens no session, only the code step.
 */
export interface SecondFactorDue {
  readonly principal: StaffPrincipal;
  readonly stage: 'totp' | 'enrol';
  readonly step: { readonly token: string; readonly expiresAt: Date };
  readonly enrolment?: { readonly secret: string; readonly uri: string };
}

export const requiresSecondFactor = (deps: AccessDeps, role: StaffRole): boolean =>
  (deps.secondFactorRoles ?? totpRequiredRoles).includes(role);

const beginSecondFactor = async (deps: AccessDeps, account: ExistingAccount, now: Date): Promise<SecondFactorDue> => {
  const principal = principalOf(account);
  if (account.totp?.status === 'confirmed') {
    const step = await startSignInStep(deps.db, { kind: 'totp', accountId: account.accountId }, now);
    return { principal, stage: 'totp', step };
  }
  // Not enrolled (or enrolment never confirmed): a fresh secret, sealed, pending until a valid code.
  const secret = newTotpSecret();
  await handleCommand(
    deps.store,
    accountStreamId(account.accountId),
    accountDecider,
    { type: 'EnrolTotp', at: now, actor: actorOf(principal), secret: await deps.vault.seal(secret, 'totp_secret') },
    { commandId: deps.newId(), actor: actorOf(principal), now },
  );
  const step = await startSignInStep(deps.db, { kind: 'totp_enrol', accountId: account.accountId }, now);
  return { principal, stage: 'enrol', step, enrolment: { secret, uri: totpUri(secret, account.username) } };
};

/** Disabled and locked accounts are refused before anything is checked or counted. */
const refuseIfBarred = async (deps: AccessDeps, state: ExistingAccount, now: Date): Promise<void> => {
  if (state.status === 'disabled' || isLockedAt(state, now)) {
    const reason = state.status === 'disabled' ? 'disabled' : 'locked';
    await logAccess(deps.store, { type: 'RefusedSignInLogged', data: { accountId: state.accountId, reason, at: now.toISOString() } }, deps.newId(), actorOf(principalOf(state)), now);
    if (reason === 'disabled') throw invalidCredentials();
    throw accountLocked(state.lock?.until ?? null, now);
  }
};

/**
 * After the first factor (a password, or a subject verified by single sign-on): a session, or the
 * TOTP step for roles that need it.
 */
const afterFirstFactor = async (
  deps: AccessDeps,
  state: ExistingAccount,
  firstFactorOk: boolean,
  now: Date,
): Promise<SignedIn | SecondFactorDue> => {
  const principal = principalOf(state);
  const result = await handleCommand(
    deps.store,
    accountStreamId(state.accountId),
    accountDecider,
    {
      type: 'RecordSignInAttempt',
      at: now,
      actor: actorOf(principal),
      passwordMatches: firstFactorOk,
      policy: deps.lockout ?? defaultLockoutPolicy,
      secondFactor: requiresSecondFactor(deps, state.role),
    },
    { commandId: deps.newId(), actor: actorOf(principal), now },
  );
  const after = result.state;
  if (after.status === 'none') throw invalidCredentials();
  if (result.appended.some((event) => event.type === 'PasswordVerified')) return beginSecondFactor(deps, after, now);
  if (result.appended.some((event) => event.type === 'SignInSucceeded')) {
    const session = await startSession(deps.db, principal, now, deps.sessions ?? defaultSessionPolicy);
    return { principal, displayNameMasked: after.displayNameMasked, session };
  }
  if (after.lock !== null) throw accountLocked(after.lock.until, now);
  throw invalidCredentials();
};

const stepExpired = (): DomainError =>
  new DomainError('SIGN_IN_STEP_EXPIRED', '登录已超时,请重新输入用户名和密码', { status: 401, details: { en: 'The sign-in timed out; enter your username and password again.' } });

/**
 * 两步验证: the TOTP code of a sign-in whose first factor was right (or the first code of a new
 * enrolment, which confirms it). Wrong and replayed codes count towards the lockout.
 */
export const completeSecondFactor = async (deps: AccessDeps, stepToken: string | undefined, code: string): Promise<SignedIn> => {
  const now = deps.clock.now();
  const step = await findSignInStep(deps.db, stepToken, ['totp', 'totp_enrol'], now);
  if (step === null || step.accountId === null) throw stepExpired();
  const state = await loadAccount(deps.store, step.accountId);
  if (state.status === 'none' || state.totp === null) throw stepExpired();
  await refuseIfBarred(deps, state, now);
  const secret = await deps.vault.open(state.totp.secret, 'totp_secret');
  const principal = principalOf(state);
  const result = await handleCommand(
    deps.store,
    accountStreamId(state.accountId),
    accountDecider,
    { type: 'RecordTotpAttempt', at: now, actor: actorOf(principal), timeStep: await totpTimeStepOf(secret, code, now), policy: deps.lockout ?? defaultLockoutPolicy },
    { commandId: deps.newId(), actor: actorOf(principal), now },
  );
  const after = result.state;
  if (after.status === 'none') throw stepExpired();
  if (result.appended.some((event) => event.type === 'SignInSucceeded')) {
    await endSignInStep(deps.db, stepToken!);
    const session = await startSession(deps.db, principal, now, deps.sessions ?? defaultSessionPolicy);
    return { principal, displayNameMasked: after.displayNameMasked, session };
  }
  if (after.lock !== null) {
    await endSignInStep(deps.db, stepToken!);
    throw accountLocked(after.lock.until, now);
  }
  throw new DomainError('TOTP_CODE_INVALID', '验证码不正确或已使用', {
    status: 401,
    details: { field: 'code', en: 'The code is wrong, expired or already used.' },
  });
};

/** Sign-in by a subject the government's single sign-on verified, linked to this account. */
export const signInLinkedAccount = async (deps: AccessDeps, accountId: string): Promise<SignedIn | SecondFactorDue> => {
  const now = deps.clock.now();
  const state = await loadAccount(deps.store, accountId);
  if (state.status === 'none') throw invalidCredentials();
  await refuseIfBarred(deps, state, now);
  return afterFirstFactor(deps, state, true, now);
};

/**
 * 登录. Every attempt is recorded; unknown usernames cost the same time as known ones and answer the
 * same 401. Locked accounts answer 429 with the time the lock runs out (the officer needs to know
 * why they cannot sign in; the lock neither counts nor extends on further attempts).
 */
export const signIn = async (deps: AccessDeps, input: { username: string; password: string }): Promise<SignedIn | SecondFactorDue> => {
  const now = deps.clock.now();
  const username = normalizeUsername(input.username);
  const state = USERNAME_PATTERN.test(username) ? await loadAccount(deps.store, username) : ({ status: 'none' } as const);
  if (state.status === 'none') {
    await verifyAgainstDecoy(input.password);
    await logAccess(deps.store, { type: 'UnknownAccountSignInFailed', data: { usernameDigest: await usernameDigest(username), at: now.toISOString() } }, deps.newId(), { id: 'anonymous' }, now);
    throw invalidCredentials();
  }
  const passwordMatches = await verifyPassword(state.passwordHash, input.password);
  await refuseIfBarred(deps, state, now);
  return afterFirstFactor(deps, state, passwordMatches, now);
};

export const authenticate = (deps: AccessDeps, token: string): Promise<ActiveSession | null> =>
  findSession(deps.db, token, deps.clock.now(), deps.sessions ?? defaultSessionPolicy);

const recordSignOut = async (deps: AccessDeps, principal: StaffPrincipal, everywhere: boolean): Promise<void> => {
  const now = deps.clock.now();
  await handleCommand(
    deps.store,
    accountStreamId(principal.accountId),
    accountDecider,
    { type: 'RecordSignOut', at: now, actor: actorOf(principal), everywhere },
    { commandId: deps.newId(), actor: actorOf(principal), now },
  );
};

/** 退出登录 (this browser). */
export const signOut = async (deps: AccessDeps, principal: StaffPrincipal, token: string): Promise<void> => {
  await endSession(deps.db, token);
  await recordSignOut(deps, principal, false);
};

/** 退出所有设备: ends every session of the account, this one included. */
export const signOutEverywhere = async (deps: AccessDeps, principal: StaffPrincipal): Promise<number> => {
  // Record first: should the delete fail, the event still says when every session became void.
  await recordSignOut(deps, principal, true);
  return endAllSessions(deps.db, principal.accountId);
};

/** 修改密码: needs the current password; ends every session and starts a fresh one for this browser. */
export const changePassword = async (
  deps: AccessDeps,
  principal: StaffPrincipal,
  input: { currentPassword: string; newPassword: string },
): Promise<StartedSession> => {
  const state = await loadAccount(deps.store, principal.accountId);
  if (state.status === 'none' || !(await verifyPassword(state.passwordHash, input.currentPassword))) {
    throw new DomainError('INVALID_CREDENTIALS', '当前密码不正确', { status: 422, details: { field: 'currentPassword', en: 'The current password is wrong.' } });
  }
  checkPasswordPolicy(input.newPassword, 'newPassword');
  const now = deps.clock.now();
  await handleCommand(
    deps.store,
    accountStreamId(principal.accountId),
    accountDecider,
    { type: 'ChangePassword', at: now, actor: actorOf(principal), passwordHash: await hashPassword(input.newPassword) },
    { commandId: deps.newId(), actor: actorOf(principal), now },
  );
  await endAllSessions(deps.db, principal.accountId);
  return startSession(deps.db, principal, now, deps.sessions ?? defaultSessionPolicy);
};

/** The signed-in account's own name, for the console header (their own data: no reveal log). */
export const ownDisplayName = async (deps: AccessDeps, accountId: string): Promise<string | null> => {
  const events = (await deps.store.readStream(accountStreamId(accountId))) as unknown as AccountEvent[];
  const created = events.find((event) => event.type === 'AccountCreated');
  return created?.type === 'AccountCreated' ? deps.vault.open(created.data.displayName, 'name') : null;
};

const administer = async (
  deps: AccessDeps,
  administrator: StaffPrincipal,
  accountId: string,
  command: CommandRef,
  build: (at: Date, actor: Actor) => Parameters<typeof accountDecider.decide>[0],
) => {
  const now = deps.clock.now();
  const actor = actorOf(administrator);
  return handleCommand(deps.store, accountStreamId(normalizeUsername(accountId)), accountDecider, build(now, actor), { ...command, actor, now });
};

/** 停用账号: the account can no longer sign in, and every session of it ends at once. */
export const disableAccount = async (deps: AccessDeps, administrator: StaffPrincipal, accountId: string, reason: string, command: CommandRef) => {
  const result = await administer(deps, administrator, accountId, command, (at, actor) => ({ type: 'DisableAccount', at, actor, reason }));
  await endAllSessions(deps.db, normalizeUsername(accountId));
  return result.state;
};

/** 解除锁定: ends a lockout (or an administrator lock) before it runs out. */
export const unlockAccount = async (deps: AccessDeps, administrator: StaffPrincipal, accountId: string, command: CommandRef) =>
  (await administer(deps, administrator, accountId, command, (at, actor) => ({ type: 'UnlockAccount', at, actor }))).state;

/** 锁定账号 (administrator): until a given instant, or until unlocked; live sessions end. */
export const lockAccount = async (deps: AccessDeps, administrator: StaffPrincipal, accountId: string, until: Date | null, command: CommandRef) => {
  const result = await administer(deps, administrator, accountId, command, (at, actor) => ({ type: 'LockAccount', at, actor, until }));
  await endAllSessions(deps.db, normalizeUsername(accountId));
  return result.state;
};

/** 重置两步验证 (administrator): the account enrols again at its next sign-in; its sessions end. */
export const resetTotp = async (deps: AccessDeps, administrator: StaffPrincipal, accountId: string, command: CommandRef) => {
  const result = await administer(deps, administrator, accountId, command, (at, actor) => ({ type: 'ResetTotp', at, actor }));
  await endAllSessions(deps.db, normalizeUsername(accountId));
  return result.state;
};

/** 绑定统一身份认证 (administrator): the subject `subject` of `issuer` signs in as this account. */
export const linkOidcSubject = async (
  deps: AccessDeps,
  administrator: StaffPrincipal,
  input: { accountId: string; issuer: string; subject: string },
  command: CommandRef,
) =>
  (
    await administer(deps, administrator, input.accountId, command, (at, actor) => ({
      type: 'LinkOidcSubject',
      at,
      actor,
      issuer: input.issuer,
      subject: input.subject,
    }))
  ).state;
