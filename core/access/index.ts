// Staff identity and authorization (工作人员身份与权限): accounts as events, argon2id passwords,
// sessions with CSRF tokens, the permission matrix and department scoping; TOTP as the second step
// after `signIn` for administrators, auditors, appraisal and call-back officers (totp.ts, `completeSecondFactor`);
// government single sign-on (oidc.ts) as another first factor for an account linked to the subject.
export type { AccountCommand, LockoutPolicy } from './account/commands.ts';
export { accountDecider } from './account/decider.ts';
export type { AccountEvent } from './account/events.ts';
export type { AccountState, ExistingAccount } from './account/state.ts';
export { accountStreamId, normalizeUsername, USERNAME_PATTERN } from './account/stream.ts';
export { accessLogStreamId } from './access-log.ts';
export type { AccessLogEvent } from './access-log.ts';
export { checkPasswordPolicy, hashPassword, verifyPassword, PASSWORD_MIN_LENGTH } from './passwords.ts';
export type { StaffAction } from './permissions.ts';
export { can, rolesAllowed, staffActions } from './permissions.ts';
export type { StaffRole } from './roles.ts';
export { departmentBound, isStaffRole, roleNames, staffRoles } from './roles.ts';
export type { AccessScope, StaffPrincipal, WarningParties } from './scope.ts';
export { canSeeWarning, scopeOf } from './scope.ts';
export { demoAccounts, DemoPasswordSchema, seedDemoAccounts } from './seed.ts';
export type { AccessDeps, NewAccount, SecondFactorDue, SignedIn } from './service.ts';
export type { OidcConfig, OidcSignIn } from './oidc.ts';
export { accountOfSubject, createOidcSignIn, linkSubjectToAccount, parseOidcEnv } from './oidc.ts';
export { purgeExpiredSignInSteps } from './sign-in-steps.ts';
export { totpCodeAt, totpRequiredRoles } from './totp.ts';
export { seedDemoTotp } from './totp-seed.ts';
export {
  authenticate,
  changePassword,
  completeSecondFactor,
  createAccount,
  defaultLockoutPolicy,
  disableAccount,
  lockAccount,
  unlockAccount,
  loadAccount,
  ownDisplayName,
  requiresSecondFactor,
  resetTotp,
  signIn,
  signInLinkedAccount,
  signOut,
  signOutEverywhere,
} from './service.ts';
export type { AccessDatabase, ActiveSession, SessionPolicy, StartedSession } from './sessions.ts';
export { csrfTokenFor, defaultSessionPolicy, purgeExpiredSessions } from './sessions.ts';
