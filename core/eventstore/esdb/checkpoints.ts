import { randomUUID } from 'node:crypto';
import * as v from 'valibot';
import type { CheckpointStore, LogPosition } from '../types.ts';
import type { EsdbConnection } from './client.ts';
import { checkpointStreamName, parseLogPosition } from './mapping.ts';

const checkpointSchema = v.object({
  position: v.pipe(
    v.string(),
    v.check((value) => {
      try {
        parseLogPosition(value as LogPosition);
        return true;
      } catch {
        return false;
      }
    }, 'not an EventStoreDB log position'),
  ),
});

/**
 * Checkpoints kept in EventStoreDB itself: one stream per subscriber (`pinggai-checkpoint-<id>`)
 * whose newest event is the checkpoint. The stream keeps one event (maxCount 1), so it stays small
 * however often the subscriber saves.
 */
export const createEsdbCheckpointStore = (connection: EsdbConnection): CheckpointStore => {
  const capped = new Set<string>();

  return {
    async load(subscriberId) {
      const [last] = await connection.readStream(checkpointStreamName(subscriberId), { backwards: true, maxCount: 1 });
      if (!last) return null;
      const parsed = v.safeParse(checkpointSchema, last.data);
      if (!parsed.success) {
        throw new Error(`checkpoint of ${subscriberId} is unreadable: ${parsed.issues[0]?.message ?? 'bad shape'}`);
      }
      return parsed.output.position as LogPosition;
    },

    async save(subscriberId, position) {
      parseLogPosition(position);
      const streamId = checkpointStreamName(subscriberId);
      if (!capped.has(streamId)) {
        await connection.setMaxCount(streamId, 1);
        capped.add(streamId);
      }
      await connection.append(
        streamId,
        [{ id: randomUUID(), type: 'CheckpointStored', data: { position }, metadata: { occurredAt: new Date().toISOString() } }],
        'any',
      );
    },
  };
};
