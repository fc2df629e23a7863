import { request, setCsrfToken } from './http.ts';
import type { SessionAnswer } from './types.ts';

/** A sign-in whose password was right but needs the TOTP code next, or TOTP enrolment first. */
export interface SecondFactorAnswer {
  readonly stage: 'totp' | 'enrol';
  readonly expiresAt: string;
  /** Enrolment: the secret to type in, the otpauth URI and its QR code (an SVG data URL). */
  readonly enrolment?: { readonly secret: string; readonly uri: string; readonly qr: string };
}

export type SignInAnswer = (SessionAnswer & { readonly stage?: 'signed_in' }) | SecondFactorAnswer;

export const isSecondFactor = (answer: SignInAnswer): answer is SecondFactorAnswer => answer.stage === 'totp' || answer.stage === 'enrol';

/** POST /session: 401 INVALID_CREDENTIALS, 429 ACCOUNT_LOCKED (+ Retry-After) on refusal. */
export const signInRequest = async (username: string, password: string): Promise<SignInAnswer> => {
  const answer = await request<SignInAnswer>('POST', '/session', { json: { username, password }, quiet401: true });
  if (!isSecondFactor(answer)) setCsrfToken(answer.csrfToken);
  return answer;
};

/** POST /session { code }: the TOTP step (401 TOTP_CODE_INVALID, SIGN_IN_STEP_EXPIRED; 429 locked). */
export const totpCodeRequest = async (code: string): Promise<SessionAnswer> => {
  const answer = await request<SessionAnswer>('POST', '/session', { json: { code }, quiet401: true });
  setCsrfToken(answer.csrfToken);
  return answer;
};

/** GET /session/step: the unfinished sign-in (after a reload, or back from single sign-on). */
export const signInStepRequest = (): Promise<SecondFactorAnswer> => request<SecondFactorAnswer>('GET', '/session/step', { quiet401: true });

/** GET /session/options: single sign-on, when configured. */
export const signInOptionsRequest = (): Promise<{ oidc: { label: string; start: string } | null }> =>
  request('GET', '/session/options', { quiet401: true });

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
