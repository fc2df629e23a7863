import type { Actor } from '../../eventstore/types.ts';
import type { SealedPii } from '../../pii/vault.ts';
import type { StaffRole } from '../roles.ts';

type Command<Type extends string, Body = object> = { readonly type: Type; readonly at: Date; readonly actor: Actor } & Body;

export type CreateAccount = Command<
  'CreateAccount',
  {
    readonly username: string;
    readonly displayName: SealedPii;
    readonly displayNameMasked: string;
    readonly role: StaffRole;
    readonly department: string | null;
    /** argon2id PHC string, hashed outside the decider. */
    readonly passwordHash: string;
  }
>;
export type ChangePassword = Command<'ChangePassword', { readonly passwordHash: string }>;

/** Throttling against guessing (防暴力破解): this many failures in a row lock the account for `lockoutMs`. */
export interface LockoutPolicy {
  readonly maxConsecutiveFailures: number;
  readonly lockoutMs: number;
}

/** The password was checked outside (argon2 is slow and not pure); the decider judges the attempt. */
export type RecordSignInAttempt = Command<
  'RecordSignInAttempt',
  {
    readonly passwordMatches: boolean;
    readonly policy: LockoutPolicy;
    /** A right password is then only the first step (PasswordVerified), a TOTP code the second. */
    readonly secondFactor?: boolean;
  }
>;
/**
 * The TOTP code of a sign-in (or of enrolment), checked outside against the opened secret:
 * `timeStep` is the step the code was valid for, null when it was wrong.
 */
export type RecordTotpAttempt = Command<'RecordTotpAttempt', { readonly timeStep: number | null; readonly policy: LockoutPolicy }>;
/** Starts (or restarts) TOTP enrolment; the seeding system may enrol already confirmed. */
export type EnrolTotp = Command<'EnrolTotp', { readonly secret: SealedPii; readonly confirmed?: boolean }>;
export type ResetTotp = Command<'ResetTotp'>;
export type LinkOidcSubject = Command<'LinkOidcSubject', { readonly issuer: string; readonly subject: string }>;
export type LockAccount = Command<'LockAccount', { readonly until: Date | null }>;
export type UnlockAccount = Command<'UnlockAccount'>;
export type DisableAccount = Command<'DisableAccount', { readonly reason: string }>;
export type RecordSignOut = Command<'RecordSignOut', { readonly everywhere: boolean }>;

export type AccountCommand =
  | CreateAccount
  | ChangePassword
  | RecordSignInAttempt
  | LockAccount
  | UnlockAccount
  | DisableAccount
  | RecordSignOut
  | RecordTotpAttempt
  | EnrolTotp
  | ResetTotp
  | LinkOidcSubject;
