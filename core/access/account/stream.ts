/** One stream per account: `account-<username>`; the username (lower case) is the account id. */
export const accountStreamPrefix = 'account-';

export const accountStreamId = (accountId: string): string => `${accountStreamPrefix}${accountId}`;

/** 3–64 characters: letters, digits, '.', '_', '-'; starts with a letter or digit. Rated staff use their 工号. */
export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._-]{2,63}$/;

export const normalizeUsername = (username: string): string => username.trim().toLowerCase();
