import { sql } from 'kysely';
import type { IntakeDeps } from '../deps.ts';

/** Counters run in fixed one-hour windows (app.intake_rate_limits.window_start is the hour's start). */
export const RATE_WINDOW_MS = 3_600_000;

export const windowStartOf = (now: Date): Date => new Date(Math.floor(now.getTime() / RATE_WINDOW_MS) * RATE_WINDOW_MS);

/** Minutes until the current window ends and its counters start again (at least 1). */
export const minutesLeftInWindow = (now: Date): number => Math.max(1, Math.ceil((windowStartOf(now).getTime() + RATE_WINDOW_MS - now.getTime()) / 60_000));

/** Counts one hit on `bucket` in the current window and returns the window's count so far. */
export const countHit = async (deps: Pick<IntakeDeps, 'db' | 'clock'>, bucket: string): Promise<number> => {
  const row = await deps.db
    .insertInto('app.intake_rate_limits')
    .values({ bucket, window_start: windowStartOf(deps.clock.now()), hits: 1 })
    .onConflict((conflict) => conflict.columns(['bucket', 'window_start']).doUpdateSet({ hits: sql`app.intake_rate_limits.hits + 1` }))
    .returning('hits')
    .executeTakeFirstOrThrow();
  return Number(row.hits);
};

/**
 * Drops the counters of windows that are over (run by the invitation sweeper every minute). The
 * table then holds about one hour of counters, so the delete needs no index of its own.
 */
export const forgetOldRateLimits = async (deps: Pick<IntakeDeps, 'db' | 'clock'>): Promise<number> => {
  const result = await deps.db
    .deleteFrom('app.intake_rate_limits')
    .where('window_start', '<=', new Date(deps.clock.now().getTime() - RATE_WINDOW_MS))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
};
