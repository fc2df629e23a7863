// A subscriber in its own process, for the kill -9 test: it appends every delivered event id to a
// file (synchronously, so what is in the file was really handled) and saves checkpoints as usual.
import { appendFileSync } from 'node:fs';
import { createPgEventStore } from '../../core/eventstore/pg.ts';

const [url, subscriberId, category, outFile] = process.argv.slice(2);
if (!url || !subscriberId || !category || !outFile) throw new Error('usage: subscriber-child <pg-url> <subscriber-id> <category> <out-file>');

const store = createPgEventStore({ connectionString: url, poolSize: 2 });
store.subscribe({
  subscriberId,
  categories: [category],
  batchSize: 25,
  pollIntervalMs: 50,
  handle: async (events) => {
    for (const event of events) {
      appendFileSync(outFile, `${event.id}\n`);
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  },
});
