import { reactive } from 'vue';
import { ApiError, onUnauthenticated } from '../api/http.ts';
import type { SecondFactorAnswer } from '../api/session.ts';
import { isSecondFactor, signInRequest, signOutRequest, totpCodeRequest, whoAmI } from '../api/session.ts';
import type { Account, StaffAction, StaffRole } from '../api/types.ts';

/**
 * Who is signed in (当前用户). The API decides every permission again on every call; the console only
 * uses this to offer the menus and forms the role may use.
 */
export const session = reactive<{ account: Account | null; checked: boolean; expired: boolean }>({
  account: null,
  checked: false,
  expired: false,
});

export const restoreSession = async (): Promise<void> => {
  try {
    session.account = (await whoAmI()).account;
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 401)) throw error;
    session.account = null;
  } finally {
    session.checked = true;
  }
};

/** The password step; answers the TOTP step still due (or enrolment), or null when signed in. */
export const signIn = async (username: string, password: string): Promise<SecondFactorAnswer | null> => {
  const answer = await signInRequest(username, password);
  if (isSecondFactor(answer)) return answer;
  session.account = answer.account;
  session.expired = false;
  session.checked = true;
  return null;
};

/** 两步验证: the TOTP code completes the sign-in (and confirms a new enrolment). */
export const submitTotpCode = async (code: string): Promise<void> => {
  session.account = (await totpCodeRequest(code)).account;
  session.expired = false;
  session.checked = true;
};

export const signOut = async (): Promise<void> => {
  try {
    await signOutRequest();
  } finally {
    session.account = null;
  }
};

export const can = (action: StaffAction): boolean => session.account?.permissions.includes(action) ?? false;
export const hasRole = (roles: readonly StaffRole[]): boolean => (session.account ? roles.includes(session.account.role) : false);

onUnauthenticated(() => {
  if (session.account) session.expired = true;
  session.account = null;
});
