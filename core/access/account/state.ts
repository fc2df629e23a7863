import type { SealedPii } from '../../pii/vault.ts';
import type { StaffRole } from '../roles.ts';

export interface ExistingAccount {
  readonly status: 'active' | 'disabled';
  readonly accountId: string;
  readonly username: string;
  readonly displayNameMasked: string;
  readonly role: StaffRole;
  readonly department: string | null;
  readonly passwordHash: string;
  readonly consecutiveFailures: number;
  /** null: not locked; `{ until: null }`: locked until an administrator unlocks it. */
  readonly lock: { readonly until: string | null } | null;
  /** Sessions started before this instant are void (sign-out everywhere, password change, disabling). */
  readonly sessionsValidFrom: string | null;
  /** 两步验证: null until enrolled; `lastTimeStep` is the newest accepted code's step (no replays). */
  readonly totp: { readonly status: 'pending' | 'confirmed'; readonly secret: SealedPii; readonly lastTimeStep: number | null } | null;
  /** The single sign-on subject linked to this account, if any. */
  readonly oidc: { readonly issuer: string; readonly subject: string } | null;
}

export type AccountState = { readonly status: 'none' } | ExistingAccount;

export const initialAccountState: AccountState = { status: 'none' };

/** Locked at `at`: an administrator lock, or a failure lock that has not run out. */
export const isLockedAt = (account: ExistingAccount, at: Date): boolean =>
  account.lock !== null && (account.lock.until === null || Date.parse(account.lock.until) > at.getTime());
