import type { PiiKeyringConfig } from './keyring.ts';

/**
 * The retention policy (保存期限) by crypto-shredding: personal data is sealed under one key per
 * calendar month (`p202611` for November 2026, Asia/Shanghai), so that a month's phones and names
 * are purged together by destroying that month's key once the retention period after its end has
 * passed. Ratings, warnings and their events stay, as anonymous facts; the hash chain is untouched.
 * Keys that are not period keys (`k1` from the first start) are never purged by the policy: rotate
 * away from them and destroy them by hand when their data is due.
 */
const PERIOD_KEY = /^p(\d{4})(0[1-9]|1[0-2])$/;
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

/** The period key id for the month `at` falls in (Asia/Shanghai): `p202611`. */
export const periodKeyId = (at: Date): string => {
  const local = new Date(at.getTime() + SHANGHAI_OFFSET_MS);
  return `p${local.getUTCFullYear()}${String(local.getUTCMonth() + 1).padStart(2, '0')}`;
};

/** The first instant (Asia/Shanghai midnight, as UTC) of the month `months` after the period key's month; null for other keys. */
const monthStartAfter = (kid: string, months: number): Date | null => {
  const match = PERIOD_KEY.exec(kid);
  if (!match) return null;
  const year = Number(match[1]);
  const month = Number(match[2]) - 1 + months;
  return new Date(Date.UTC(year, month, 1) - SHANGHAI_OFFSET_MS);
};

export interface RetentionPlan {
  /** Period keys whose retention has run out: destroy them. */
  readonly due: readonly { readonly kid: string; readonly dueSince: Date }[];
  /** Period keys still inside their retention period, with the day each falls due. */
  readonly kept: readonly { readonly kid: string; readonly dueOn: Date }[];
  /** Keys the policy does not govern (not period keys), and the active key if it were due. */
  readonly outsidePolicy: readonly string[];
}

/**
 * Which keys are due under a retention of `retentionMonths` after the end of each key's month.
 * The active key is never due (rotate first); destroyed keys are already gone.
 */
export const retentionPlan = (ring: PiiKeyringConfig, options: { readonly now: Date; readonly retentionMonths: number }): RetentionPlan => {
  if (!Number.isInteger(options.retentionMonths) || options.retentionMonths < 1) throw new RangeError('retentionMonths must be a whole number of months, at least 1');
  const due: { kid: string; dueSince: Date }[] = [];
  const kept: { kid: string; dueOn: Date }[] = [];
  const outsidePolicy: string[] = [];
  for (const kid of Object.keys(ring.keys).sort()) {
    const dueOn = monthStartAfter(kid, 1 + options.retentionMonths);
    if (dueOn === null || kid === ring.active) outsidePolicy.push(kid);
    else if (dueOn.getTime() <= options.now.getTime()) due.push({ kid, dueSince: dueOn });
    else kept.push({ kid, dueOn });
  }
  return { due, kept, outsidePolicy };
};
