import { generate, generateSecret, generateURI, verify } from 'otplib';
import type { StaffRole } from './roles.ts';

/**
 * TOTP (RFC 6238, 两步验证) for the console: 6 digits, 30-second steps, SHA-1 — what every
 * authenticator app reads from an otpauth:// QR code. The arithmetic is otplib's; this module holds
 * the project's policy (who needs it, how much clock drift is forgiven) and nothing else.
 */

/**
 * Roles that must sign in with a TOTP code (and enrol at their first sign-in): those that manage the
 * system, read the full history or set the appraisal — and call-back officers, who can reveal a
 * rater's phone number (查看完整号码).
 */
export const totpRequiredRoles: readonly StaffRole[] = [
  'administrator',
  'auditor',
  'appraisal_officer',
  'callback_officer',
];

export const TOTP_PERIOD_SECONDS = 30;
/** One step either side: a phone clock up to ~30 s off still works. */
const TOLERANCE_SECONDS = TOTP_PERIOD_SECONDS;
const TOTP_ISSUER = '评改通 PingGai';

export const TOTP_CODE_PATTERN = /^\d{6}$/;

/** A fresh secret: 20 random bytes (160 bits, RFC 4226's recommendation), base32. */
export const newTotpSecret = (): string => generateSecret({ length: 20 });

/** The otpauth:// URI an authenticator app scans. */
export const totpUri = (secret: string, username: string): string =>
  generateURI({ issuer: TOTP_ISSUER, label: username, secret, period: TOTP_PERIOD_SECONDS, digits: 6 });

/**
 * The RFC 6238 time step the code is valid for at `now` (± one step), or null when it is not.
 * Replays are the account decider's business: it refuses any step not later than the last accepted.
 */
export const totpTimeStepOf = async (secret: string, code: string, now: Date): Promise<number | null> => {
  if (!TOTP_CODE_PATTERN.test(code)) return null;
  const result = await verify({
    secret,
    token: code,
    epoch: Math.floor(now.getTime() / 1000),
    period: TOTP_PERIOD_SECONDS,
    epochTolerance: TOLERANCE_SECONDS,
  });
  return result.valid && 'timeStep' in result ? result.timeStep : null;
};

/** The code an authenticator shows at `at` (seeding tools and tests; never sent by the server). */
export const totpCodeAt = (secret: string, at: Date): Promise<string> =>
  generate({ secret, epoch: Math.floor(at.getTime() / 1000), period: TOTP_PERIOD_SECONDS });
