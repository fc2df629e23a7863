import type { Kysely } from 'kysely';
import { bytesToBase64Url, sha256Bytes, sha256Hex } from '../pii/encoding.ts';
import type { StaffRole } from './roles.ts';
import type { StaffPrincipal } from './scope.ts';

/** app.staff_sessions (migration 0400): one row per signed-in browser, keyed by the token's SHA-256. */
export interface StaffSessionsTable {
  token_hash: string;
  account_id: string;
  role: string;
  department: string | null;
  created_at: Date;
  last_seen_at: Date;
  expires_at: Date;
}

export interface AccessDatabase {
  'app.staff_sessions': StaffSessionsTable;
}

export interface SessionPolicy {
  /** A session ends this long after sign-in, however active (default 12 h: one working day). */
  readonly absoluteTtlMs: number;
  /** …or after this long without a request (default 2 h). */
  readonly idleTimeoutMs: number;
}

export const defaultSessionPolicy: SessionPolicy = { absoluteTtlMs: 12 * 3_600_000, idleTimeoutMs: 2 * 3_600_000 };

// Writing last_seen_at on every request would turn every read into a write.
const TOUCH_EVERY_MS = 60_000;

/** A fresh session token: 256 bits from the CSPRNG (a secret, not an id a test needs to predict). */
export const newSessionToken = (): string => bytesToBase64Url(crypto.getRandomValues(new Uint8Array(32)));

export const sessionTokenHash = async (token: string): Promise<string> => sha256Hex(token);

/**
 * The CSRF token of a session, derived from the session token: a page of the console reads it from
 * the sign-in response and sends it as `x-csrf-token`; a cross-site page can read neither the
 * HttpOnly cookie nor the response, so it cannot forge it. Nothing extra is stored.
 */
export const csrfTokenFor = async (sessionToken: string): Promise<string> =>
  bytesToBase64Url(sha256Bytes(`pinggai-csrf\u0000${sessionToken}`));

const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export interface StartedSession {
  readonly token: string;
  readonly csrfToken: string;
  readonly expiresAt: Date;
}

export const startSession = async (
  db: Kysely<AccessDatabase>,
  principal: StaffPrincipal,
  now: Date,
  policy: SessionPolicy,
): Promise<StartedSession> => {
  const token = newSessionToken();
  const expiresAt = new Date(now.getTime() + policy.absoluteTtlMs);
  await db
    .insertInto('app.staff_sessions')
    .values({
      token_hash: await sessionTokenHash(token),
      account_id: principal.accountId,
      role: principal.role,
      department: principal.department,
      created_at: now,
      last_seen_at: now,
      expires_at: expiresAt,
    })
    .execute();
  return { token, csrfToken: await csrfTokenFor(token), expiresAt };
};

export interface ActiveSession {
  readonly principal: StaffPrincipal;
  readonly expiresAt: Date;
}

/** The principal of a live session, or null (unknown, expired or idle too long). Touches it. */
export const findSession = async (
  db: Kysely<AccessDatabase>,
  token: string,
  now: Date,
  policy: SessionPolicy,
): Promise<ActiveSession | null> => {
  if (!TOKEN_PATTERN.test(token)) return null;
  const tokenHash = await sessionTokenHash(token);
  const row = await db.selectFrom('app.staff_sessions').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
  if (!row) return null;
  const lastSeen = new Date(row.last_seen_at).getTime();
  const expiresAt = new Date(row.expires_at);
  if (expiresAt.getTime() <= now.getTime() || lastSeen + policy.idleTimeoutMs <= now.getTime()) {
    await db.deleteFrom('app.staff_sessions').where('token_hash', '=', tokenHash).execute();
    return null;
  }
  if (now.getTime() - lastSeen >= TOUCH_EVERY_MS) {
    await db.updateTable('app.staff_sessions').set({ last_seen_at: now }).where('token_hash', '=', tokenHash).execute();
  }
  return {
    principal: { accountId: row.account_id, role: row.role as StaffRole, department: row.department },
    expiresAt,
  };
};

export const endSession = async (db: Kysely<AccessDatabase>, token: string): Promise<void> => {
  await db.deleteFrom('app.staff_sessions').where('token_hash', '=', await sessionTokenHash(token)).execute();
};

/** 退出所有设备: every session of the account ends. */
export const endAllSessions = async (db: Kysely<AccessDatabase>, accountId: string): Promise<number> => {
  const result = await db.deleteFrom('app.staff_sessions').where('account_id', '=', accountId).executeTakeFirst();
  return Number(result.numDeletedRows);
};

/** Housekeeping for the embedded runner: drops sessions that can no longer be used. */
export const purgeExpiredSessions = async (db: Kysely<AccessDatabase>, now: Date, policy: SessionPolicy): Promise<number> => {
  const result = await db
    .deleteFrom('app.staff_sessions')
    .where((eb) => eb.or([eb('expires_at', '<=', now), eb('last_seen_at', '<=', new Date(now.getTime() - policy.idleTimeoutMs))]))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
};
