import { request, setCsrfToken } from './http.ts';
import type { SessionAnswer } from './types.ts';

/** POST /session: 401 INVALID_CREDENTIALS, 429 ACCOUNT_LOCKED (+ Retry-After) on refusal. */
export const signInRequest = async (username: string, password: string): Promise<SessionAnswer> => {
  const answer = await request<SessionAnswer>('POST', '/session', { json: { username, password }, quiet401: true });
  setCsrfToken(answer.csrfToken);
  return answer;
};

/** GET /session/me: who is signed in (401 when nobody). */
export const whoAmI = async (): Promise<SessionAnswer> => {
  const answer = await request<SessionAnswer>('GET', '/session/me', { quiet401: true });
  setCsrfToken(answer.csrfToken);
  return answer;
};

export const signOutRequest = async (): Promise<void> => {
  try {
    await request<void>('DELETE', '/session', { quiet401: true });
  } finally {
    setCsrfToken(null);
  }
};
