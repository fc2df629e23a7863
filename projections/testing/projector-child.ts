// A projector in its own process, for the kill -9 test: the ratings projection (as version <n>),
// slowed inside each batch's transaction so that a kill lands between writing rows and committing.
import { createPgPool, postgresKysely } from '../../core/db/postgres.ts';
import { createPgEventStore } from '../../core/eventstore/pg.ts';
import { ratingsProjection } from '../ratings/projection.ts';
import { startProjector } from '../runtime/projector.ts';
import type { AnyProjection } from '../runtime/types.ts';

const [url, version] = process.argv.slice(2);
if (!url || !version) throw new Error('usage: projector-child <pg-url> <version>');

const store = createPgEventStore({ connectionString: url, poolSize: 2 });
const db = postgresKysely<unknown>(
  createPgPool({ connectionString: url, max: 2, applicationName: 'pinggai-projector-child' }),
);
const slow: AnyProjection = {
  ...ratingsProjection,
  version: Number(version),
  async apply(trx, events) {
    await ratingsProjection.apply(trx, events);
    await new Promise((resolve) => setTimeout(resolve, 40));
  },
};
startProjector({ store, db }, slow, { batchSize: 7, pollIntervalMs: 50 });
console.log('started');
