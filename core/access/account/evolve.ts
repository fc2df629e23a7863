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
    };
  }
  if (state.status === 'none') return state;
  switch (event.type) {
    case 'PasswordChanged':
      return { ...state, passwordHash: event.data.passwordHash, sessionsValidFrom: event.data.at };
    case 'SignInSucceeded':
      return { ...state, consecutiveFailures: 0, lock: null };
    case 'SignInFailed':
      return event.data.reason === 'bad_password'
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
    default:
      return assertNever(event);
  }
};
