import type { Bilingual } from '../http/lang.ts';
import { DomainError } from '../shared/errors.ts';

/** Stable codes of the PII vault's refusals. */
export type PiiErrorCode =
  | 'PII_CONFIG_INVALID' // keyring configuration unusable: fail fast at start
  | 'PII_KEY_DESTROYED' // crypto-shredded: the value is gone for good, the rest of the record stays
  | 'PII_KEY_UNKNOWN' // sealed under a key this keyring never had: a configuration mistake
  | 'PII_SEALED_INVALID' // not a sealed value, tampered with, or opened as the wrong kind
  | 'PII_PHONE_INVALID';

const statusOf: Record<PiiErrorCode, number> = {
  PII_CONFIG_INVALID: 500,
  PII_KEY_DESTROYED: 410,
  PII_KEY_UNKNOWN: 500,
  PII_SEALED_INVALID: 422,
  PII_PHONE_INVALID: 422,
};

/** A refusal of the vault in both languages: staff read it in the console, operators in the log. */
export const piiError = (code: PiiErrorCode, message: Bilingual, details: Record<string, unknown> = {}): DomainError =>
  new DomainError(code, message['zh-CN'], { status: statusOf[code], details: { ...details, en: message.en } });
