/**
 * Tamper evidence for the event store. Every event carries `event_hash = sha256(previous hash of its
 * stream ‖ canonical content)` (migration 0600_event_hash_chain). `verifyEventChain` walks the whole store
 * (or one stream) in (stream, version) order, recomputes every hash from the stored content and reports
 * the first event that does not fit:
 *   edited        the stored hash is not sha256(previous ‖ content): content or hash was changed
 *   missing       a version is skipped (an event was deleted before this one)
 *   out_of_order  versions no longer follow the log order (events were swapped or renumbered)
 * The canonical bytes are built here by the same SQL expression the migration uses, but not by calling the
 * database's function, so replacing that function does not hide an edit.
 */
import { createHash } from 'node:crypto';
import type { Kysely, RawBuilder } from 'kysely';
import { sql } from 'kysely';

export type ChainBreakKind = 'edited' | 'missing' | 'out_of_order';

export interface ChainBreak {
  readonly kind: ChainBreakKind;
  readonly streamId: string;
  readonly streamVersion: number;
  readonly globalPosition: string;
  readonly eventId: string;
  readonly detail: string;
}

export interface ChainReport {
  readonly ok: boolean;
  readonly streams: number;
  readonly events: number;
  readonly firstBreak: ChainBreak | null;
}

interface Row {
  stream_id: string;
  stream_version: number;
  global_position: string;
  event_id: string;
  content: Buffer | Uint8Array;
  event_hash: Buffer | Uint8Array | null;
}

const BATCH = 2000;

export const describeBreak = (b: ChainBreak): string =>
  `${b.kind} at stream ${b.streamId} version ${b.streamVersion} (global position ${b.globalPosition}, event ${b.eventId}): ${b.detail}`;

export const verifyEventChain = async (
  db: Kysely<unknown>,
  options: { readonly streamId?: string; readonly onProgress?: (events: number, streams: number) => void } = {},
): Promise<ChainReport> => {
  let events = 0;
  let streams = 0;
  let after: { stream: string; version: number } | null = null;
  let current: string | null = null;
  let prevHash = Buffer.alloc(0);
  let prevVersion = 0;
  let prevPosition = 0n;
  const fail = (kind: ChainBreakKind, row: Row, detail: string): ChainReport => ({
    ok: false,
    streams,
    events,
    firstBreak: {
      kind,
      streamId: row.stream_id,
      streamVersion: row.stream_version,
      globalPosition: row.global_position,
      eventId: row.event_id,
      detail,
    },
  });
  for (;;) {
    const streamFilter = options.streamId === undefined ? sql`true` : sql`stream_id = ${options.streamId}`;
    const afterFilter: RawBuilder<unknown> = after === null ? sql`true` : sql`(stream_id, stream_version) > (${after.stream}, ${after.version}::int)`;
    const { rows }: { rows: Row[] } = await sql<Row>`
      select stream_id, stream_version, global_position::text as global_position, event_id::text as event_id, event_hash,
             convert_to(concat_ws(E'\n', stream_id, stream_version::text, event_id::text, event_type, schema_version::text,
               data::text, metadata::text, (extract(epoch from recorded_at) * 1000000)::bigint::text), 'UTF8') as content
        from eventstore.events
       where ${streamFilter} and ${afterFilter}
       order by stream_id, stream_version
       limit ${BATCH}`.execute(db);
    for (const row of rows) {
      if (row.stream_id !== current) {
        current = row.stream_id;
        streams++;
        prevHash = Buffer.alloc(0);
        prevVersion = 0;
        prevPosition = 0n;
      }
      const position = BigInt(row.global_position);
      if (row.stream_version !== prevVersion + 1) {
        return fail('missing', row, `expected version ${prevVersion + 1} before it; ${row.stream_version - prevVersion - 1} event(s) are gone`);
      }
      if (position <= prevPosition) {
        return fail('out_of_order', row, `its log position ${position} is not after version ${prevVersion}'s (${prevPosition})`);
      }
      const expected = createHash('sha256').update(prevHash).update(row.content).digest();
      const stored = row.event_hash === null ? null : Buffer.from(row.event_hash);
      if (stored === null || !stored.equals(expected)) {
        const { rows: later } = await sql<{ stream_version: number }>`
          select stream_version from eventstore.events
           where stream_id = ${row.stream_id} and stream_version > ${row.stream_version}::int and global_position < ${row.global_position}::bigint
           order by stream_version limit 1`.execute(db);
        if (later[0]) {
          return fail('out_of_order', row, `version ${later[0].stream_version} was logged before it: the events were swapped or renumbered`);
        }
        return fail(
          'edited',
          row,
          stored === null ? 'it carries no hash' : `stored hash ${stored.toString('hex').slice(0, 16)}… ≠ recomputed ${expected.toString('hex').slice(0, 16)}…`,
        );
      }
      prevHash = expected;
      prevVersion = row.stream_version;
      prevPosition = position;
      events++;
    }
    options.onProgress?.(events, streams);
    if (rows.length < BATCH) break;
    const last: Row = rows[rows.length - 1]!;
    after = { stream: last.stream_id, version: last.stream_version };
  }
  return { ok: true, streams, events, firstBreak: null };
};
