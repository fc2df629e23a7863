import type { Kysely } from 'kysely';
import { newSessionToken, sessionTokenHash } from './sessions.ts';

/**
 * The unfinished steps of a sign-in (migration 0401): after a right password, the TOTP code (or
 * enrolment) still due; during single sign-on, the OIDC state, nonce and PKCE verifier until the
 * callback. Keyed, like sessions, by the SHA-256 of a random token kept in a short-lived cookie.
 */
export type SignInStepKind = 'totp' | 'totp_enrol' | 'oidc';

export interface SignInStepsTable {
  token_hash: string;
  kind: string;
  account_id: string | null;
  data: unknown;
  created_at: Date;
  expires_at: Date;
}

export interface SignInStepsDatabase {
  'app.staff_sign_in_steps': SignInStepsTable;
}

/** Five minutes to type a code, scan a QR code or come back from single sign-on. */
export const SIGN_IN_STEP_TTL_MS = 5 * 60_000;

export interface SignInStep {
  readonly kind: SignInStepKind;
  readonly accountId: string | null;
  readonly data: Record<string, unknown>;
  readonly expiresAt: Date;
}

// Any of the project's Kysely handles: the table is reached by name.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;
const steps = (db: AnyDb) => db as unknown as Kysely<SignInStepsDatabase>;

export const startSignInStep = async (
  db: AnyDb,
  step: { kind: SignInStepKind; accountId: string | null; data?: Record<string, unknown> },
  now: Date,
): Promise<{ token: string; expiresAt: Date }> => {
  const token = newSessionToken();
  const expiresAt = new Date(now.getTime() + SIGN_IN_STEP_TTL_MS);
  await steps(db)
    .insertInto('app.staff_sign_in_steps')
    .values({
      token_hash: await sessionTokenHash(token),
      kind: step.kind,
      account_id: step.accountId,
      data: JSON.stringify(step.data ?? {}),
      created_at: now,
      expires_at: expiresAt,
    })
    .execute();
  return { token, expiresAt };
};

const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** The live step behind a token, of one of the kinds asked for; expired steps are dropped. */
export const findSignInStep = async (
  db: AnyDb,
  token: string | undefined,
  kinds: readonly SignInStepKind[],
  now: Date,
): Promise<SignInStep | null> => {
  if (token === undefined || !TOKEN_PATTERN.test(token)) return null;
  const tokenHash = await sessionTokenHash(token);
  const row = await steps(db).selectFrom('app.staff_sign_in_steps').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
  if (!row) return null;
  if (new Date(row.expires_at).getTime() <= now.getTime()) {
    await endSignInStep(db, token);
    return null;
  }
  if (!kinds.includes(row.kind as SignInStepKind)) return null;
  const data = typeof row.data === 'string' ? (JSON.parse(row.data) as Record<string, unknown>) : (row.data as Record<string, unknown>);
  return { kind: row.kind as SignInStepKind, accountId: row.account_id, data, expiresAt: new Date(row.expires_at) };
};

export const endSignInStep = async (db: AnyDb, token: string): Promise<void> => {
  await steps(db).deleteFrom('app.staff_sign_in_steps').where('token_hash', '=', await sessionTokenHash(token)).execute();
};

/** Housekeeping: drops steps that ran out. */
export const purgeExpiredSignInSteps = async (db: AnyDb, now: Date): Promise<number> => {
  const result = await steps(db).deleteFrom('app.staff_sign_in_steps').where('expires_at', '<=', now).executeTakeFirst();
  return Number(result.numDeletedRows);
};
