import { assertNever } from '../../decider/decider.ts';
import type { AccountEvent } from './events.ts';
import type { AccountState } from './state.ts';

export const evolve = (state: AccountState, event: AccountEvent): AccountState => {
  if (event.type === 'AccountCreated') {
    const { accountId, username, displayNameMasked, role, department, passwordHash } = event.data;
    return {
      status: 'active',
      accountId,
      username,
      displayNameMasked,
      role,
      department,
      passwordHash,
      consecutiveFailures: 0,
      lock: null,
      sessionsValidFrom: null,
      totp: null,
      oidc: null,
    };
  }
  if (state.status === 'none') return state;
  switch (event.type) {
    case 'PasswordChanged':
      return { ...state, passwordHash: event.data.passwordHash, sessionsValidFrom: event.data.at };
    case 'SignInSucceeded':
      return { ...state, consecutiveFailures: 0, lock: null };
    case 'SignInFailed':
      return event.data.reason === 'bad_password' || event.data.reason === 'bad_code'
        ? { ...state, consecutiveFailures: event.data.consecutiveFailures, lock: null }
        : state;
    case 'AccountLocked':
      return { ...state, lock: { until: event.data.until } };
    case 'AccountUnlocked':
      return { ...state, lock: null, consecutiveFailures: 0 };
    case 'AccountDisabled':
      return { ...state, status: 'disabled', sessionsValidFrom: event.data.at };
    case 'SignedOut':
      return event.data.everywhere ? { ...state, sessionsValidFrom: event.data.at } : state;
    case 'PasswordVerified':
      return state;
    case 'TotpEnrolled':
      return { ...state, totp: { status: 'pending', secret: event.data.secret, lastTimeStep: null } };
    case 'TotpConfirmed':
      return state.totp === null ? state : { ...state, totp: { ...state.totp, status: 'confirmed', lastTimeStep: event.data.timeStep } };
    case 'TotpCodeAccepted':
      return state.totp === null ? state : { ...state, totp: { ...state.totp, lastTimeStep: event.data.timeStep } };
    case 'TotpReset':
      return { ...state, totp: null };
    case 'OidcSubjectLinked':
      return { ...state, oidc: { issuer: event.data.issuer, subject: event.data.subject } };
    default:
      return assertNever(event);
  }
};
