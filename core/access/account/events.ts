/**
 * The staff account (工作人员账号) stream, `account-<username>`: the account's life and its access
 * log (sign-ins, failures, locks, sign-outs). The password arrives already hashed (argon2id); the
 * display name is sealed by the PII vault and kept masked beside it for display.
 */
import type { SealedPii } from '../../pii/vault.ts';
import type { StaffRole } from '../roles.ts';

type Fact<Type extends string, Data> = { readonly type: Type; readonly data: Data };

export type SignInFailureReason = 'bad_password' | 'locked' | 'disabled';
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

export type AccountEvent =
  | AccountCreated
  | PasswordChanged
  | SignInSucceeded
  | SignInFailed
  | AccountLocked
  | AccountUnlocked
  | AccountDisabled
  | SignedOut;

export const accountSchemaVersions: { readonly [T in AccountEvent['type']]: number } = {
  AccountCreated: 1,
  PasswordChanged: 1,
  SignInSucceeded: 1,
  SignInFailed: 1,
  AccountLocked: 1,
  AccountUnlocked: 1,
  AccountDisabled: 1,
  SignedOut: 1,
};
