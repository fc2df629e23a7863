import type { Kysely, RawBuilder } from 'kysely';
import { sql } from 'kysely';
import type {
  AppendOptions,
  AppendResult,
  CheckpointStore,
  EventStore,
  ExpectedVersion,
  LogPosition,
  NewEvent,
  ReadAllOptions,
  RecordedEvent,
  SubscribeOptions,
  Subscription,
} from '../types.ts';
import { PartialDuplicateAppend, WrongExpectedVersion, streamCategory } from '../types.ts';
import type { GroupCommitReport } from '../instrumented.ts';
import type { Upcaster } from '../upcasting.ts';
import { upcasterChain } from '../upcasting.ts';
import { startSubscription } from '../subscription.ts';
import type { BatcherOptions } from './batcher.ts';
import { createBatcher } from './batcher.ts';
import type { ChangeFeed } from './change-feed.ts';
import { parseLogPosition, toLogPosition } from './positions.ts';

export interface SqlEventStoreOptions {
  readonly name: string;
  readonly db: Kysely<unknown>;
  readonly feed: ChangeFeed;
  readonly upcasters?: readonly Upcaster[];
  /**
   * Appends and stream reads that arrive while `concurrency` of them are in flight go together in
   * the next statement (group commit). Default: one statement in flight, which suits a single
   * connection (PGlite) and, measured, a pool too (pg.ts). In a store over one kysely transaction, a
   * batch that fails aborts the transaction, as a failed single append always did.
   */
  readonly batching?: Partial<BatcherOptions>;
  /** Told of every statement that carried two or more callers' appends (metrics). */
  readonly onGroupCommit?: (report: GroupCommitReport) => void;
  /**
   * Runs the store's hot statements (stream reads, appends) as named prepared statements, where the
   * driver has them (`pg`): the server parses each once per connection instead of once per call, and
   * after a few calls keeps a generic plan where that is no dearer. The name always comes with the
   * same text. Only for a store over a pool, never over one transaction (the statement would leave it).
   */
  readonly prepared?: (name: string, text: string, values: readonly unknown[]) => Promise<readonly unknown[]>;
  readonly close?: () => Promise<void>;
}

interface EventRow {
  global_position: string;
  transaction_id: string;
  stream_id: string;
  stream_version: number;
  event_id: string;
  event_type: string;
  schema_version: number;
  data: unknown;
  metadata: unknown;
  recorded_at: string;
}

interface AppendRow {
  current_version: number;
  global_position: string | null;
  transaction_id: string | null;
  stream_version: number | null;
}

interface AppendRequest {
  readonly streamId: string;
  readonly kind: string;
  readonly exact: number;
  /** The events as the JSON array `append_events` takes. */
  readonly payload: string;
}

/** A batched append's answer: its row, or null when the batch failed as a whole (append it alone). */
type BatchedAppend = AppendRow | null;

interface StreamRead {
  readonly streamId: string;
  readonly fromVersion: number;
}

type StreamReadResult = { readonly events: RecordedEvent[] } | { readonly error: unknown };

/** Code-point order, the same on every machine (no locale). */
const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const DEFAULT_MAX_BATCH = 256;

const UNIQUE_VIOLATION = '23505';
const SQLSTATE = /^[0-9A-Z]{5}$/;

/** The SQLSTATE of an error the server sent, or null for any other error (a broken connection, a bug). */
export const sqlStateOf = (error: unknown): string | null => {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && SQLSTATE.test(code) ? code : null;
};
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// Columns come back as text under their own names; ORDER BY therefore names the table's columns
// (`events.…`), or it would sort the text.
const eventColumns = sql`global_position::text as global_position, transaction_id::text as transaction_id,
  stream_id, stream_version, event_id::text as event_id, event_type, schema_version, data, metadata,
  to_json(recorded_at) #>> '{}' as recorded_at`;

const expectedKind = (expected: ExpectedVersion): [string, number] =>
  typeof expected === 'number' ? ['exact', expected] : [expected, 0];

/**
 * The event store over any Postgres reachable by kysely: a Postgres server through `pg`, or PGlite
 * through the serialising dialect. One call of `eventstore.append_events` appends a batch: it reads the
 * stream's version, checks the expectation and inserts, so a single event costs one round trip like a
 * plain INSERT. The unique constraint on (stream_id, stream_version) is what enforces the version
 * under concurrency.
 *
 * Under load, appends from different callers share a statement and a commit (`eventstore.append_batch`,
 * see `batching`), and so do stream reads: a rating submission costs a fraction of a round trip and of
 * a WAL flush instead of one of each. Each append keeps its own expectation and its own answer.
 */
export const createSqlEventStore = (options: SqlEventStoreOptions): EventStore => {
  const { db, feed } = options;
  const upcast = upcasterChain(options.upcasters ?? []);
  const batching: BatcherOptions = { concurrency: options.batching?.concurrency ?? 1, maxBatch: options.batching?.maxBatch ?? DEFAULT_MAX_BATCH };

  const toRecorded = (row: EventRow): RecordedEvent =>
    upcast({
      id: row.event_id,
      type: row.event_type,
      schemaVersion: row.schema_version,
      data: row.data,
      metadata: row.metadata as RecordedEvent['metadata'],
      streamId: row.stream_id,
      streamVersion: row.stream_version,
      globalPosition: BigInt(row.global_position),
      logPosition: toLogPosition(row.transaction_id, row.global_position),
      recordedAt: new Date(row.recorded_at).toISOString(),
    });

  /** A hot statement: prepared under `name` where the driver allows, else run as any other. */
  const hot = async <Row>(name: string, query: RawBuilder<Row>): Promise<Row[]> => {
    if (!options.prepared) return (await query.execute(db)).rows;
    const compiled = query.compile(db);
    return (await options.prepared(name, compiled.sql, compiled.parameters)) as Row[];
  };

  const existingIds = async (ids: readonly string[]) => {
    const { rows } = await sql<{ event_id: string; stream_id: string; stream_version: number; global_position: string; transaction_id: string }>`
      select event_id::text as event_id, stream_id, stream_version, global_position::text as global_position,
             transaction_id::text as transaction_id
      from eventstore.events where event_id = any(${[...ids]}::uuid[])`.execute(db);
    return rows;
  };

  const currentVersion = async (streamId: string): Promise<number> => {
    const { rows } = await sql<{ version: number }>`
      select coalesce(max(stream_version), 0)::int as version from eventstore.events where stream_id = ${streamId}`.execute(db);
    return rows[0]?.version ?? 0;
  };

  /** Called when an append did not go through: a retry of events already stored counts as success. */
  const resolveRetry = async (streamId: string, events: readonly NewEvent[]): Promise<AppendResult | null> => {
    const found = await existingIds(events.map((event) => event.id));
    if (found.length === 0) return null;
    const inThisStream = found.filter((row) => row.stream_id === streamId);
    if (inThisStream.length !== events.length) {
      throw new PartialDuplicateAppend(
        streamId,
        found.map((row) => row.event_id),
      );
    }
    const last = inThisStream.reduce((a, b) => (a.stream_version > b.stream_version ? a : b));
    return {
      nextExpectedVersion: await currentVersion(streamId),
      lastLogPosition: toLogPosition(last.transaction_id, last.global_position),
      alreadyAppended: true,
    };
  };

  /** Metrics must never fail or redo an append that has committed. */
  const reportGroupCommit = (report: GroupCommitReport): void => {
    try {
      options.onGroupCommit?.(report);
    } catch {
      // Ignored: the observer's problem, not the appends'.
    }
  };

  const appendAlone = async (request: AppendRequest): Promise<AppendRow> => {
    const rows = await hot(
      'pinggai_append_events',
      sql<AppendRow>`
      select current_version, global_position::text as global_position, transaction_id::text as transaction_id,
             stream_version
      from eventstore.append_events(${request.streamId}, ${streamCategory(request.streamId)}, ${request.kind}, ${request.exact}::int,
                                    ${request.payload}::jsonb) r
      order by r.stream_version desc nulls last
      limit 1`,
    );
    return rows[0]!;
  };

  /**
   * Several callers' appends in one statement and one transaction. If any of them breaks a
   * constraint (a retried event id, a version taken meanwhile) the whole statement fails, and each
   * append is then made alone by its caller, where the existing retry rules decide.
   */
  const appendBatch = async (requests: readonly AppendRequest[]): Promise<BatchedAppend[]> => {
    // Alone, an append's error is its own: the batcher hands it to its caller.
    if (requests.length === 1) return [await appendAlone(requests[0]!)];
    // In stream order (stable for one stream's appends), so that two batches in flight, in different
    // processes (or here, were `batching.concurrency` raised), take their streams' index locks in the
    // same order and cannot deadlock.
    const order = requests.map((_, index) => index).sort((a, b) => compareText(requests[a]!.streamId, requests[b]!.streamId) || a - b);
    const batch = `[${order
      .map((index) => {
        const request = requests[index]!;
        return (
          `{"stream":${JSON.stringify(request.streamId)},"category":${JSON.stringify(streamCategory(request.streamId))},` +
          `"kind":${JSON.stringify(request.kind)},"exact":${request.exact},"events":${request.payload}}`
        );
      })
      .join(',')}]`;
    let rows: (AppendRow & { ordinal: number })[];
    try {
      rows = await hot(
        'pinggai_append_batch',
        sql<AppendRow & { ordinal: number }>`
        select ordinal, current_version, global_position::text as global_position, transaction_id::text as transaction_id,
               stream_version
        from eventstore.append_batch(${batch}::jsonb)`,
      );
    } catch (error) {
      reportGroupCommit({ appends: requests.length, outcome: 'redone', code: sqlStateOf(error) });
      return requests.map(() => null);
    }
    reportGroupCommit({ appends: requests.length, outcome: 'together', code: null });
    const answers: BatchedAppend[] = requests.map(() => null);
    for (const row of rows) answers[order[row.ordinal - 1]!] = row;
    return answers;
  };
  const submitAppend = createBatcher(appendBatch, batching);

  const append = async (
    streamId: string,
    events: readonly NewEvent[],
    appendOptions: AppendOptions = {},
  ): Promise<AppendResult> => {
    if (events.length === 0) throw new Error(`append to ${streamId}: no events`);
    for (const event of events) {
      if (!UUID.test(event.id)) throw new Error(`append to ${streamId}: event id ${event.id} is not a UUID`);
    }
    const expected = appendOptions.expectedVersion ?? 'any';
    const [kind, exact] = expectedKind(expected);
    const payload = JSON.stringify(
      events.map((event) => ({
        id: event.id,
        type: event.type,
        schemaVersion: event.schemaVersion,
        data: event.data,
        metadata: event.metadata,
      })),
    );
    const request: AppendRequest = { streamId, kind, exact, payload };
    for (let attempt = 1; ; attempt++) {
      let row: AppendRow;
      try {
        row = (attempt === 1 ? await submitAppend(request) : null) ?? (await appendAlone(request));
      } catch (error) {
        if ((error as { code?: string }).code !== UNIQUE_VIOLATION) throw error;
        const retried = await resolveRetry(streamId, events);
        if (retried) return retried;
        // Another writer took the version first.
        if ((kind === 'any' || kind === 'stream_exists') && attempt < 100) continue;
        throw new WrongExpectedVersion(streamId, expected, await currentVersion(streamId));
      }
      if (row.global_position === null || row.transaction_id === null || row.stream_version === null) {
        const retried = await resolveRetry(streamId, events);
        if (retried) return retried;
        throw new WrongExpectedVersion(streamId, expected, row.current_version);
      }
      feed.announce();
      return {
        nextExpectedVersion: row.stream_version,
        lastLogPosition: toLogPosition(row.transaction_id, row.global_position),
        alreadyAppended: false,
      };
    }
  };

  /** Several callers' stream reads in one query; each gets its own stream from its own version. */
  const readStreams = async (reads: readonly StreamRead[]): Promise<StreamReadResult[]> => {
    const streamIds = [...new Set(reads.map((read) => read.streamId))];
    const fromVersion = Math.min(...reads.map((read) => read.fromVersion));
    const rows = await hot(
      'pinggai_read_streams',
      sql<EventRow>`
      select ${eventColumns} from eventstore.events
      where stream_id = any(${streamIds}::text[]) and stream_version >= ${fromVersion}
      order by events.stream_id, events.stream_version`,
    );
    const byStream = new Map<string, EventRow[]>();
    for (const row of rows) {
      const stream = byStream.get(row.stream_id);
      if (stream) stream.push(row);
      else byStream.set(row.stream_id, [row]);
    }
    // Each reader gets its own objects (a stream read twice in one batch is copied), and its own
    // error if an upcaster refuses one of its events.
    const handedOut = new Set<string>();
    return reads.map((read) => {
      const copy = handedOut.has(read.streamId);
      handedOut.add(read.streamId);
      try {
        const events = (byStream.get(read.streamId) ?? [])
          .filter((row) => row.stream_version >= read.fromVersion)
          .map((row) => toRecorded(copy ? { ...row, data: structuredClone(row.data), metadata: structuredClone(row.metadata) } : row));
        return { events };
      } catch (error) {
        return { error };
      }
    });
  };
  const submitRead = createBatcher(readStreams, batching);

  const readStream = async (streamId: string, readOptions: { fromVersion?: number } = {}) => {
    const result = await submitRead({ streamId, fromVersion: readOptions.fromVersion ?? 1 });
    if ('error' in result) throw result.error;
    return result.events;
  };

  const categoryFilter = (categories: readonly string[] | undefined) =>
    categories && categories.length > 0 ? sql`and stream_category = any(${[...categories]}::text[])` : sql``;

  const readAll = async ({ after, limit, categories }: ReadAllOptions) => {
    const from = parseLogPosition(after);
    // Only transactions older than the oldest one still open are final: reading below that horizon,
    // in (transaction, position) order, never skips an event that commits late.
    const { rows } = await sql<EventRow>`
      select ${eventColumns} from eventstore.events
      where (transaction_id, global_position) > (${from.transactionId}::xid8, ${from.globalPosition}::bigint)
        and transaction_id < pg_snapshot_xmin(pg_current_snapshot())
        ${categoryFilter(categories)}
      order by events.transaction_id, events.global_position
      limit ${limit}`.execute(db);
    return rows.map(toRecorded);
  };

  /** The newest committed position (held back or not), for "caught up" questions. */
  const headPosition = async (categories?: readonly string[]): Promise<LogPosition | null> => {
    const { rows } = await sql<{ transaction_id: string; global_position: string }>`
      select transaction_id::text as transaction_id, global_position::text as global_position
      from eventstore.events where true ${categoryFilter(categories)}
      order by events.transaction_id desc, events.global_position desc limit 1`.execute(db);
    const row = rows[0];
    return row ? toLogPosition(row.transaction_id, row.global_position) : null;
  };

  /** True when committed events after `after` wait behind a transaction that is still open. */
  const heldBack = async (after: LogPosition | null, categories?: readonly string[]): Promise<boolean> => {
    const from = parseLogPosition(after);
    const { rows } = await sql<{ held: boolean }>`
      select exists (
        select 1 from eventstore.events
        where (transaction_id, global_position) > (${from.transactionId}::xid8, ${from.globalPosition}::bigint)
          and transaction_id >= pg_snapshot_xmin(pg_current_snapshot())
          ${categoryFilter(categories)}
      ) as held`.execute(db);
    return rows[0]?.held ?? false;
  };

  const checkpoints: CheckpointStore = {
    async load(subscriberId) {
      const { rows } = await sql<{ position: string }>`
        select position from eventstore.checkpoints where subscriber_id = ${subscriberId}`.execute(db);
      return (rows[0]?.position as LogPosition | undefined) ?? null;
    },
    async save(subscriberId, position) {
      await sql`
        insert into eventstore.checkpoints (subscriber_id, position) values (${subscriberId}, ${position})
        on conflict (subscriber_id) do update set position = excluded.position, updated_at = now()`.execute(db);
    },
  };

  const subscriptions = new Set<Subscription>();

  const store: EventStore = {
    name: options.name,
    append,
    readStream,
    readAll,
    checkpoints,
    subscribe(subscribeOptions: SubscribeOptions) {
      const subscription = startSubscription(subscribeOptions, {
        readAll,
        headPosition,
        heldBack,
        checkpoints: subscribeOptions.checkpoints ?? checkpoints,
        onChange: (listener) => feed.onChange(listener),
      });
      subscriptions.add(subscription);
      return subscription;
    },
    async close() {
      await Promise.all([...subscriptions].map((subscription) => subscription.stop()));
      await feed.close();
      await options.close?.();
    },
  };
  return store;
};
