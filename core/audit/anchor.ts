/**
 * The chain's external anchor (外部锚定). The per-stream hash chain (verify.ts) names an edited,
 * missing or reordered event, but it cannot see the *last* events of a stream removed, a whole stream
 * dropped, or a stream whose hashes were all recomputed after an edit: what is left still chains.
 * An anchor closes that gap: a small document, written by `npm run audit:verify -- --write-anchor F`
 * and kept outside the database (printed, signed, sent to the auditor), holding a running SHA-256 over
 * every event's (log position, hash) in log order, checkpointed every `segment` events. A later
 * `--anchor F` recomputes it over the same events and names the first segment that no longer matches,
 * with how many events it held then and holds now.
 *
 * The anchor covers only events of transactions finished when it was written (transaction id below
 * the snapshot's xmin), so an append still in flight can never make an honest store look tampered.
 */
import { createHash } from 'node:crypto';
import type { Hash } from 'node:crypto';
import type { Kysely, RawBuilder } from 'kysely';
import { sql } from 'kysely';
import * as v from 'valibot';
import { instantSchema } from '../shared/instant.ts';

const Key = v.strictObject({ transactionId: v.pipe(v.string(), v.regex(/^\d+$/)), globalPosition: v.pipe(v.string(), v.regex(/^\d+$/)) });
const Hex = v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/));

export const AnchorSchema = v.strictObject({
  kind: v.literal('pinggai-event-anchor'),
  version: v.literal(1),
  writtenAt: instantSchema(),
  /** Events of transactions below this id are covered (all finished when the anchor was written). */
  horizon: v.pipe(v.string(), v.regex(/^\d+$/)),
  events: v.pipe(v.number(), v.integer(), v.minValue(0)),
  digest: Hex,
  segments: v.array(v.strictObject({ upTo: Key, events: v.pipe(v.number(), v.integer(), v.minValue(1)), digest: Hex })),
});
export type Anchor = v.InferOutput<typeof AnchorSchema>;

export interface AnchorBreak {
  readonly segment: number;
  /** The log range of the segment: after the previous segment's last event, up to this one's. */
  readonly from: { readonly transactionId: string; readonly globalPosition: string } | null;
  readonly upTo: { readonly transactionId: string; readonly globalPosition: string };
  readonly eventsThen: number;
  readonly eventsNow: number;
}

export interface AnchorCheck {
  readonly ok: boolean;
  readonly eventsThen: number;
  readonly eventsNow: number;
  readonly firstBreak: AnchorBreak | null;
}

interface Row {
  transaction_id: string;
  global_position: string;
  event_hash: Buffer | Uint8Array | null;
}

const BATCH = 5_000;

/** Every covered event in log order, in batches. */
async function* covered(db: Kysely<unknown>, horizon: string): AsyncGenerator<Row> {
  let after: Row | null = null;
  for (;;) {
    const afterFilter: RawBuilder<unknown> = after === null ? sql`true` : sql`(transaction_id, global_position) > (${after.transaction_id}::xid8, ${after.global_position}::bigint)`;
    const { rows }: { rows: Row[] } = await sql<Row>`
      select transaction_id::text as transaction_id, global_position::text as global_position, event_hash
        from eventstore.events
       where transaction_id < ${horizon}::xid8 and ${afterFilter}
       order by transaction_id, global_position
       limit ${BATCH}`.execute(db);
    yield* rows;
    if (rows.length < BATCH) return;
    after = rows[rows.length - 1]!;
  }
}

const fold = (running: Hash, row: Row): void => {
  running.update(`${row.global_position}\n`);
  running.update(row.event_hash === null ? Buffer.alloc(32) : Buffer.from(row.event_hash));
};
/** The running digest so far, without ending it. */
const peek = (running: Hash): string => running.copy().digest('hex');
const keyOf = (row: Row) => ({ transactionId: row.transaction_id, globalPosition: row.global_position });
const notAfter = (row: Row, key: { transactionId: string; globalPosition: string }): boolean => {
  const xid = BigInt(row.transaction_id);
  const bound = BigInt(key.transactionId);
  return xid < bound || (xid === bound && BigInt(row.global_position) <= BigInt(key.globalPosition));
};

export const writeAnchor = async (db: Kysely<unknown>, options: { readonly now: Date; readonly segment?: number }): Promise<Anchor> => {
  const segment = options.segment ?? 10_000;
  const { rows } = await sql<{ horizon: string }>`select pg_snapshot_xmin(pg_current_snapshot())::text as horizon`.execute(db);
  const horizon = rows[0]!.horizon;
  const running = createHash('sha256');
  const segments: Anchor['segments'] = [];
  let events = 0;
  let inSegment = 0;
  let last: Row | null = null;
  for await (const row of covered(db, horizon)) {
    fold(running, row);
    events++;
    inSegment++;
    last = row;
    if (inSegment === segment) {
      segments.push({ upTo: keyOf(row), events: inSegment, digest: peek(running) });
      inSegment = 0;
    }
  }
  if (inSegment > 0 && last) segments.push({ upTo: keyOf(last), events: inSegment, digest: peek(running) });
  return { kind: 'pinggai-event-anchor', version: 1, writtenAt: options.now.toISOString(), horizon, events, digest: peek(running), segments };
};

export const parseAnchor = (json: unknown): Anchor => v.parse(AnchorSchema, json);

export const checkAnchor = async (db: Kysely<unknown>, anchor: Anchor): Promise<AnchorCheck> => {
  const running = createHash('sha256');
  let index = 0;
  let inSegment = 0;
  let eventsNow = 0;
  let firstBreak: AnchorBreak | null = null;
  const close = (): void => {
    const expected = anchor.segments[index]!;
    if (firstBreak === null && peek(running) !== expected.digest)
      firstBreak = { segment: index + 1, from: index === 0 ? null : anchor.segments[index - 1]!.upTo, upTo: expected.upTo, eventsThen: expected.events, eventsNow: inSegment };
    index++;
    inSegment = 0;
  };
  for await (const row of covered(db, anchor.horizon)) {
    while (index < anchor.segments.length && !notAfter(row, anchor.segments[index]!.upTo)) close();
    if (index === anchor.segments.length && firstBreak === null) {
      // Past the last event the anchor covered, inside its horizon: only an insertion puts one here.
      const lastKey = anchor.segments.at(-1)?.upTo ?? null;
      firstBreak = { segment: index + 1, from: lastKey, upTo: keyOf(row), eventsThen: 0, eventsNow: 1 };
    }
    fold(running, row);
    eventsNow++;
    inSegment++;
  }
  while (index < anchor.segments.length) close();
  const ok = firstBreak === null && peek(running) === anchor.digest;
  return { ok, eventsThen: anchor.events, eventsNow, firstBreak };
};

export const describeAnchorBreak = (b: AnchorBreak): string =>
  `segment ${b.segment} (log positions ${b.from ? `after ${b.from.globalPosition}` : 'from the start'} up to ${b.upTo.globalPosition}) held ${b.eventsThen} events with these hashes when the anchor was written; it holds ${b.eventsNow} now${b.eventsNow < b.eventsThen ? ` (${b.eventsThen - b.eventsNow} removed)` : b.eventsNow > b.eventsThen ? ` (${b.eventsNow - b.eventsThen} inserted)` : ' (changed)'}`;
