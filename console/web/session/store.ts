import { reactive } from 'vue';
import { ApiError, onUnauthenticated } from '../api/http.ts';
import { signInRequest, signOutRequest, whoAmI } from '../api/session.ts';
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

export const signIn = async (username: string, password: string): Promise<void> => {
  session.account = (await signInRequest(username, password)).account;
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
