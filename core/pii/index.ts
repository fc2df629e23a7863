// The one place that protects personal data (个人信息保护). Web-standard only; the key-file loader is in
// key-file.node.ts so that Deno never imports node:fs through this module.
export { ChinaMobileSchema, normalizeChinaMobile } from './phone.ts';
export { maskFreeText, maskIdNumber, maskName, maskPhone } from './mask.ts';
export type { PiiErrorCode } from './errors.ts';
export type { PiiKeyringConfig } from './keyring.ts';
export { PII_KEYS_ENV, PiiKeyringSchema, destroyPiiKey, generatePiiKeyring, parsePiiKeyring, piiKeyringFromEnv, rotatePiiKeyring } from './keyring.ts';
export type { PiiKind, PiiVault, SealedPii } from './vault.ts';
export { PII_KINDS, SealedPiiSchema, createPiiVault } from './vault.ts';
