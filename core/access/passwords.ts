import { hash, verify } from '@node-rs/argon2';
import { invalidField } from '../http/field-errors.ts';

/**
 * argon2id with OWASP's baseline parameters (19 MiB, 2 passes, 1 lane). Memory-hard, so a stolen
 * event stream does not give the passwords away cheaply. Hashing happens here, never in a decider.
 */
const options = { algorithm: 2 /* Algorithm.Argon2id (an ambient const enum, not importable under verbatimModuleSyntax) */, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const PASSWORD_MIN_LENGTH = 12;
// argon2 hashes any length, but a megabyte-long password is a denial-of-service attempt.
export const PASSWORD_MAX_LENGTH = 256;

/** Refuses a password too short or too long to be accepted (422 naming the field). */
export const checkPasswordPolicy = (password: string, field = 'password'): void => {
  const length = Array.from(password).length;
  if (length < PASSWORD_MIN_LENGTH) {
    throw invalidField(field, { 'zh-CN': `密码至少 ${PASSWORD_MIN_LENGTH} 位`, en: `at least ${PASSWORD_MIN_LENGTH} characters` });
  }
  if (length > PASSWORD_MAX_LENGTH) {
    throw invalidField(field, { 'zh-CN': `密码不超过 ${PASSWORD_MAX_LENGTH} 位`, en: `at most ${PASSWORD_MAX_LENGTH} characters` });
  }
};

export const hashPassword = (password: string): Promise<string> => hash(password, options);

export const verifyPassword = async (passwordHash: string, password: string): Promise<boolean> => {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
};

let decoy: Promise<string> | null = null;

/**
 * Spends the same time as a real check when the username does not exist, so response times do not
 * tell which usernames are real.
 */
export const verifyAgainstDecoy = async (password: string): Promise<false> => {
  decoy ??= hashPassword('decoy password that no account has');
  await verifyPassword(await decoy, password);
  return false;
};
