// What composition roots, the metrics endpoint and the console import from projections/.
import { ratingsProjection } from './ratings/projection.ts';
import type { AnyProjection } from './runtime/types.ts';
import { warningsProjection } from './warnings/projection.ts';

/**
 * Every projection version the code can run. To change a projection, add its next version here
 * (and a migration if its tables change shape) next to the serving one; `startProjections` rebuilds
 * it blue/green and swaps; remove the old version in a later release.
 */
export const projectionRegistry: readonly AnyProjection[] = [ratingsProjection, warningsProjection];

export { ratingsProjection } from './ratings/projection.ts';
export { warningsProjection } from './warnings/projection.ts';
export { projectorLag, SUBSCRIBER_COUNT_CAP, subscriberLags } from './runtime/lag.ts';
export type { ProjectorLag, SubscriberLag } from './runtime/lag.ts';
export { projectorFailures } from './runtime/failures.ts';
export type { ProjectorFailure } from './runtime/failures.ts';
export { servingCheckpoint } from './runtime/checkpoints.ts';
export { startProjector } from './runtime/projector.ts';
export type { Projector } from './runtime/projector.ts';
export { rebuildProjection, formatProgress } from './runtime/rebuild.ts';
export { activateVersion, activeVersion, dropVersion } from './runtime/schema.ts';
export { startProjections } from './runtime/supervisor.ts';
export type { Projections } from './runtime/supervisor.ts';
export type { AnyProjection, Projection } from './runtime/types.ts';
