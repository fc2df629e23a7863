/**
 * The staff account (工作人员账号) stream, `account-<username>`: the account's life and its access
 * log (sign-ins, failures, locks, sign-outs). The password arrives already hashed (argon2id); the
 * display name is sealed by the PII vault and kept masked beside it for display.
 */
import type { SealedPii } from '../../pii/vault.ts';
import type { StaffRole } from '../roles.ts';

type Fact<Type extends string, Data> = { readonly type: Type; readonly data: Data };

/** `bad_code`: a wrong, stale or replayed TOTP code; it counts towards the lockout like a wrong password. */
export type SignInFailureReason = 'bad_password' | 'bad_code' | 'locked' | 'disabled';
export type LockReason = 'too_many_failures' | 'administrator';

export type AccountCreated = Fact<
  'AccountCreated',
  {
    readonly accountId: string;
    readonly username: string;
    readonly displayName: SealedPii;
    readonly displayNameMasked: string;
    readonly role: StaffRole;
    readonly department: string | null;
    readonly passwordHash: string;
    readonly by: string;
    readonly at: string;
  }
>;
export type PasswordChanged = Fact<'PasswordChanged', { readonly passwordHash: string; readonly by: string; readonly at: string }>;
/** 登录成功 */
export type SignInSucceeded = Fact<'SignInSucceeded', { readonly at: string }>;
/** 登录失败: counted towards the lockout unless the account was already locked or disabled. */
export type SignInFailed = Fact<
  'SignInFailed',
  { readonly reason: SignInFailureReason; readonly consecutiveFailures: number; readonly at: string }
>;
/** 账号锁定: `until` null means until an administrator unlocks it. */
export type AccountLocked = Fact<
  'AccountLocked',
  { readonly reason: LockReason; readonly until: string | null; readonly by: string; readonly at: string }
>;
export type AccountUnlocked = Fact<'AccountUnlocked', { readonly by: string; readonly at: string }>;
export type AccountDisabled = Fact<'AccountDisabled', { readonly by: string; readonly reason: string; readonly at: string }>;
/** 退出登录; `everywhere` ends every session of the account (退出所有设备). */
export type SignedOut = Fact<'SignedOut', { readonly everywhere: boolean; readonly at: string }>;

/** 密码正确: the first step of a sign-in that still needs a TOTP code; resets nothing. */
export type PasswordVerified = Fact<'PasswordVerified', { readonly at: string }>;
/** 两步验证登记: a new TOTP secret (sealed by the PII vault), pending until a first valid code. */
export type TotpEnrolled = Fact<'TotpEnrolled', { readonly secret: SealedPii; readonly by: string; readonly at: string }>;
/** 两步验证已启用: the first valid code; `timeStep` is the RFC 6238 counter it was valid for. */
export type TotpConfirmed = Fact<'TotpConfirmed', { readonly timeStep: number; readonly by: string; readonly at: string }>;
/** A TOTP code accepted at sign-in; no code of this or an earlier time step is accepted again. */
export type TotpCodeAccepted = Fact<'TotpCodeAccepted', { readonly timeStep: number; readonly at: string }>;
/** 重置两步验证 (administrator): the account enrols again at its next sign-in. */
export type TotpReset = Fact<'TotpReset', { readonly by: string; readonly at: string }>;
/** 统一身份认证绑定 (administrator): a verified single sign-on subject signs in as this account. */
export type OidcSubjectLinked = Fact<'OidcSubjectLinked', { readonly issuer: string; readonly subject: string; readonly by: string; readonly at: string }>;

export type AccountEvent =
  | AccountCreated
  | PasswordChanged
  | SignInSucceeded
  | SignInFailed
  | AccountLocked
  | AccountUnlocked
  | AccountDisabled
  | SignedOut
  | PasswordVerified
  | TotpEnrolled
  | TotpConfirmed
  | TotpCodeAccepted
  | TotpReset
  | OidcSubjectLinked;

export const accountSchemaVersions: { readonly [T in AccountEvent['type']]: number } = {
  AccountCreated: 1,
  PasswordChanged: 1,
  SignInSucceeded: 1,
  SignInFailed: 1,
  AccountLocked: 1,
  AccountUnlocked: 1,
  AccountDisabled: 1,
  SignedOut: 1,
  PasswordVerified: 1,
  TotpEnrolled: 1,
  TotpConfirmed: 1,
  TotpCodeAccepted: 1,
  TotpReset: 1,
  OidcSubjectLinked: 1,
};
