/**
 * The retention policy at work (`npm run pii -- purge`): destroys the period keys whose retention has
 * run out, so every phone and name sealed under them is erased for good, and records the purge in the
 * access log as a `PersonalDataPurged` event (who, which keys, how many events carried data sealed
 * under each, why). The events themselves are not touched: the hash chain still verifies, ratings and
 * warnings remain as anonymous facts, and a reveal of a purged number answers 410 「已按保留期限销毁」.
 */
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { logAccess } from '../../core/access/access-log.ts';
import type { EventStore } from '../../core/eventstore/types.ts';
import type { PiiKeyringConfig } from '../../core/pii/keyring.ts';
import { destroyPiiKey, rotatePiiKeyring } from '../../core/pii/keyring.ts';
import { readPiiKeyFile, writePiiKeyFile } from '../../core/pii/key-file.node.ts';
import type { RetentionPlan } from '../../core/pii/retention.ts';
import { periodKeyId, retentionPlan } from '../../core/pii/retention.ts';

/**
 * How many events carry a value sealed under each key id (a sealed value is `{"v": 1, "kid": …}` inside
 * the data), in one pass over the event log.
 */
export const eventsSealedByKey = async (db: Kysely<unknown>): Promise<ReadonlyMap<string, number>> => {
  const { rows } = await sql<{ kid: string; n: number }>`
    select k.kid, count(*)::int as n
      from eventstore.events e,
           lateral (select distinct m[1] as kid from regexp_matches(e.data::text, '"kid": "([A-Za-z0-9_-]+)"', 'g') as m) k
     group by k.kid`.execute(db);
  return new Map(rows.map((row) => [row.kid, row.n]));
};

export interface KeyStatus {
  readonly kid: string;
  readonly active: boolean;
  readonly events: number;
  /** When the retention policy destroys it; null when it does not govern the key (active, or not a period key). */
  readonly dueOn: Date | null;
  readonly due: boolean;
}

export const keyringStatus = async (options: {
  readonly db: Kysely<unknown>;
  readonly ring: PiiKeyringConfig;
  readonly now: Date;
  readonly retentionMonths: number;
}): Promise<{ readonly keys: readonly KeyStatus[]; readonly destroyed: readonly string[]; readonly plan: RetentionPlan }> => {
  const plan = retentionPlan(options.ring, options);
  const sealed = await eventsSealedByKey(options.db);
  const keys: KeyStatus[] = [];
  for (const kid of Object.keys(options.ring.keys).sort()) {
    const due = plan.due.find((d) => d.kid === kid);
    const kept = plan.kept.find((k) => k.kid === kid);
    keys.push({ kid, active: kid === options.ring.active, events: sealed.get(kid) ?? 0, dueOn: due?.dueSince ?? kept?.dueOn ?? null, due: due !== undefined });
  }
  return { keys, destroyed: options.ring.destroyed ?? [], plan };
};

/** Makes this month's period key the active one (idempotent); returns whether it rotated. */
export const rotateToCurrentPeriod = async (keyringFile: string, now: Date): Promise<{ readonly kid: string; readonly rotated: boolean }> => {
  const ring = await readPiiKeyFile(keyringFile);
  const kid = periodKeyId(now);
  if (ring.active === kid) return { kid, rotated: false };
  await writePiiKeyFile(keyringFile, rotatePiiKeyring(ring, kid));
  return { kid, rotated: true };
};

export interface PurgeResult {
  readonly destroyed: readonly { readonly kid: string; readonly dueSince: string; readonly events: number }[];
  readonly plan: RetentionPlan;
}

export const purgeDueKeys = async (options: {
  readonly db: Kysely<unknown>;
  readonly store: EventStore;
  readonly keyringFile: string;
  readonly now: Date;
  readonly retentionMonths: number;
  readonly operator: string;
  readonly reason: string;
  readonly dryRun: boolean;
}): Promise<PurgeResult> => {
  let ring = await readPiiKeyFile(options.keyringFile);
  const plan = retentionPlan(ring, options);
  const sealed = plan.due.length > 0 ? await eventsSealedByKey(options.db) : new Map<string, number>();
  const destroyed = plan.due.map((due) => ({ kid: due.kid, dueSince: due.dueSince.toISOString(), events: sealed.get(due.kid) ?? 0 }));
  if (options.dryRun || destroyed.length === 0) return { destroyed, plan };
  for (const key of destroyed) ring = destroyPiiKey(ring, key.kid);
  // The keys go first: an erasure that happened must never be missing because the log write failed
  // after it (the command then says so), and a log entry must never claim an erasure that did not.
  await writePiiKeyFile(options.keyringFile, ring);
  await logAccess(
    options.store,
    {
      type: 'PersonalDataPurged',
      data: { operator: options.operator, keys: destroyed, retentionMonths: options.retentionMonths, keyring: options.keyringFile, reason: options.reason, at: options.now.toISOString() },
    },
    crypto.randomUUID(),
    { id: `operator:${options.operator}`, role: 'operator' },
    options.now,
  );
  return { destroyed, plan };
};


