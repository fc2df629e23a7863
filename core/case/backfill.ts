import type { RecordedEvent } from '../eventstore/types.ts';

/**
 * Case events imported from a file (`npm run cases -- backfill`) carry this correlation id prefix.
 * They are history: they count in the read models (办件量, 未评率) but invite nobody and raise no
 * warning — an SMS about a service months ago, or a 1-hour dispatch clock on it, helps no one.
 */
export const backfillCorrelationPrefix = 'case-backfill:';

export const isBackfilled = (event: Pick<RecordedEvent, 'metadata'>): boolean =>
  typeof event.metadata.correlationId === 'string' && event.metadata.correlationId.startsWith(backfillCorrelationPrefix);
