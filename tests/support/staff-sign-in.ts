import { totpCodeAt } from '../../core/access/totp.ts';

/** A signed-in staff session as the API sees it: the session cookie and the CSRF token. */
export interface StaffSession {
  readonly cookie: string;
  readonly csrfToken: string;
}

/**
 * Signs a seeded account in through POST /api/staff/session, as a browser would: the password, and
 * for a role that needs a second factor (core/access/totp.ts) the first sign-in's enrolment with a
 * code from the secret it shows. `post` sends one JSON body (with the step cookie when given) to that
 * route of whichever server the test runs.
 */
export const signInStaff = async (post: (body: unknown, cookie?: string) => Response | Promise<Response>, username: string, password: string): Promise<StaffSession> => {
  let response = await post({ username, password });
  let answer = (await response.json()) as { csrfToken?: string; enrolment?: { secret: string } };
  if (response.ok && answer.enrolment) {
    const stepCookie = response.headers.get('set-cookie')!.split(';')[0]!;
    response = await post({ code: await totpCodeAt(answer.enrolment.secret, new Date()) }, stepCookie);
    answer = (await response.json()) as typeof answer;
  }
  if (response.status !== 200 || !answer.csrfToken) throw new Error(`signing in as ${username}: HTTP ${response.status} ${JSON.stringify(answer)}`);
  return { cookie: response.headers.get('set-cookie')!.split(';')[0]!, csrfToken: answer.csrfToken };
};
