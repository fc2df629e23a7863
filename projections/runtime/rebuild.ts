import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { EventStore, LogPosition, RecordedEvent } from '../../core/eventstore/types.ts';
import { inLanes } from '../../core/shared/lanes.ts';
import { advanceCheckpoint, applyBatch, lockCheckpoint } from './checkpoints.ts';
import { activateVersion, prepareVersion } from './schema.ts';
import type { AnyProjection } from './types.ts';
import { schemaOf } from './types.ts';

export interface RebuildProgress {
  readonly projection: string;
  readonly version: number;
  readonly applied: number;
  /** Events in the projection's categories when the rebuild started (the head it chases). */
  readonly total: number;
  /** Share of that head applied, 0…100 (may pass 100 while new events arrive). */
  readonly percentOfHead: number;
  readonly eventsPerSecond: number;
  readonly elapsedMs: number;
}

export interface RebuildOptions {
  /** Events per read of the log (default 1,000). */
  readonly batchSize?: number;
  /**
   * Events gathered from the reads into one apply: one transaction (per lane) and one checkpoint
   * (default 8,000, never fewer than `batchSize`). Each commit waits for its WAL flush and each
   * statement has its fixed cost, so a rebuild commits seldom; live projectors apply what they read.
   */
  readonly applySize?: number;
  /** Called after each batch at most every `progressEveryMs` (default 1 s), and once at the end. */
  readonly onProgress?: (progress: RebuildProgress) => void;
  readonly progressEveryMs?: number;
  /** Point the app.* views at the new version when it has caught up (default true). */
  readonly activate?: boolean;
  /**
   * Transactions a bulk writer's batch is split into by stream and applied at once (and the finish's
   * chains and the deferred indexes built at once; default 2, one per core of a small server; 1
   * applies each batch in one transaction with its checkpoint).
   */
  readonly lanes?: number;
}

export interface RebuildResult extends RebuildProgress {
  readonly position: LogPosition | null;
  readonly activated: boolean;
}

/** One progress line for an operator's terminal (JSON, like every log line of the system). */
export const formatProgress = (progress: RebuildProgress): string =>
  JSON.stringify({
    level: 'info',
    msg: 'projection rebuild',
    projection: `${progress.projection}@v${progress.version}`,
    applied: progress.applied,
    total: progress.total,
    percent_of_head: Number(progress.percentOfHead.toFixed(1)),
    events_per_s: Math.round(progress.eventsPerSecond),
  });

type Db = Kysely<unknown>;

/**
 * Memory for each sort or hash of a rebuild's end (the roll-ups' GROUP BYs over every fact, the
 * deferred indexes' sorts), in that transaction only. The server defaults (4 MB, 64 MB) are sized for
 * many concurrent small queries; at a million ratings these spill to temporary files and run several
 * times slower. A rebuild is one maintenance job at a time, so it may take more for a few seconds.
 */
const BULK_MEMORY = '256MB';

/** A bulk load's concurrent transactions: one per core of a small server. */
const DEFAULT_LANES = 2;

/**
 * Events per apply of a rebuild. At 1M events, 8,000 rather than 2,000 per transaction rebuilt
 * 15–25 % faster in paired runs (infra/CAPACITY.md §6); 20,000 gained nothing more.
 */
const DEFAULT_APPLY_SIZE = 8_000;

const quoted = (name: string) => `"${name.replaceAll('"', '""')}"`;

/**
 * How a deferred key is built again: as it was, or, when the table holds a row twice (an
 * append-only part applied again), after removing the exact copies. Rows that share a key but
 * differ are not copies: the key then fails, as it should.
 */
const keyDefinition = (schema: string, table: string, name: string, constraint: string): string => {
  const target = `${quoted(schema)}.${quoted(table)}`;
  const add = `alter table ${target} add constraint ${quoted(name)} ${constraint}`;
  return `do $key$ begin ${add}; exception when unique_violation then
  delete from ${target} where ctid in (
    select ctid from (select ctid, row_number() over (partition by r order by ctid) as copy from ${target} r) copies
    where copy > 1);
  ${add};
end $key$`;
};
const isKey = (definition: string) => definition.startsWith('do $key$');

/**
 * Drops the secondary (non-unique) indexes of a version's tables for its bulk load, keeping their
 * definitions in app.projection_deferred_indexes: rows go in many times faster without them, and
 * each is built once, sorted, at the end. Unique indexes stay (the upserts' conflict targets), but
 * for the `appendOnly` tables, which a bulk load only inserts into: their keys go too, and are
 * built again first (`restoreIndexes(…, 'keys')`).
 */
const deferIndexes = async (db: Db, schema: string, appendOnly: readonly string[]): Promise<void> => {
  await db.transaction().execute(async (trx) => {
    const { rows } = await sql<{ name: string; definition: string }>`
      select c.relname as name, pg_get_indexdef(c.oid) as definition
      from pg_index x
      join pg_class c on c.oid = x.indexrelid
      join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = ${schema} and not x.indisunique and not x.indisprimary
      order by c.relname`.execute(trx);
    for (const row of rows) {
      await sql`
        insert into app.projection_deferred_indexes (schema_name, index_name, definition)
        values (${schema}, ${row.name}, ${row.definition})
        on conflict (schema_name, index_name) do update set definition = excluded.definition`.execute(trx);
      await sql`drop index ${sql.id(schema, row.name)}`.execute(trx);
    }
    if (appendOnly.length === 0) return;
    const { rows: keys } = await sql<{ name: string; table: string; constraint: string }>`
      select con.conname as name, c.relname as table, pg_get_constraintdef(con.oid) as constraint
      from pg_constraint con
      join pg_class c on c.oid = con.conrelid
      join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = ${schema} and c.relname = any(${[...appendOnly]}::text[]) and con.contype in ('p', 'u')
      order by c.relname, con.conname`.execute(trx);
    for (const key of keys) {
      await sql`
        insert into app.projection_deferred_indexes (schema_name, index_name, definition)
        values (${schema}, ${key.name}, ${keyDefinition(schema, key.table, key.name, key.constraint)})
        on conflict (schema_name, index_name) do update set definition = excluded.definition`.execute(trx);
      await sql`alter table ${sql.id(schema, key.table)} drop constraint ${sql.id(key.name)}`.execute(trx);
    }
  });
};

/**
 * Builds again every index deferred for this schema (also those a rebuild that died left behind),
 * or only the deferred keys, `lanes` at a time, each in a transaction of its own.
 */
const restoreIndexes = async (db: Db, schema: string, lanes = DEFAULT_LANES, only?: 'keys'): Promise<void> => {
  const { rows: deferred } = await sql<{ name: string; definition: string }>`
    select index_name as name, definition from app.projection_deferred_indexes
    where schema_name = ${schema} order by index_name`.execute(db);
  const rows = only === 'keys' ? deferred.filter((row) => isKey(row.definition)) : deferred;
  await inLanes(rows, lanes, (row) =>
    db.transaction().execute(async (trx) => {
      await sql`set local maintenance_work_mem = ${sql.lit(BULK_MEMORY)}`.execute(trx);
      await sql.raw(row.definition).execute(trx);
      await sql`delete from app.projection_deferred_indexes where schema_name = ${schema} and index_name = ${row.name}`.execute(
        trx,
      );
    }),
  );
};

/** FNV-1a of a stream id: which lane its events go to. */
const laneOf = (streamId: string, lanes: number): number => {
  let hash = 0x811c9dc5;
  for (let i = 0; i < streamId.length; i++) hash = Math.imul(hash ^ streamId.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % lanes;
};

const DEADLOCK = '40P01';
const isDeadlock = (error: unknown) => (error as { code?: unknown } | null)?.code === DEADLOCK;

/**
 * A bulk load in `lanes` lanes: each batch is split by stream (a stream's events stay in one lane,
 * in log order), and each lane is a chain of transactions that does not wait for the other lanes.
 * While one lane's statements run in Postgres, the process prepares another lane's next part; lanes
 * kept in step would prepare at once and then wait at once. A batch's checkpoint is written in a
 * transaction of its own once every lane has committed its part, in batch order; at most `ahead`
 * batches wait for theirs. A part that commits before a crash is applied again from the checkpoint,
 * which a bulk writer must allow (see `Projection.bulk`); a part the database picks as a deadlock
 * victim is run again. When a part fails, nothing more starts, and the error surfaces once every
 * transaction under way has ended.
 */
const bulkLanes = (
  db: Db,
  projection: AnyProjection,
  schema: string,
  lanes: number,
  start: LogPosition | null,
  ahead = 3,
) => {
  const bulk = projection.bulk!;
  const observed = <T>(promise: Promise<T>): Promise<T> => {
    // Awaited later (or its error reported through another); never an unhandled rejection meanwhile.
    promise.catch(() => undefined);
    return promise;
  };
  let failed = false;
  const applyPart = async (part: readonly RecordedEvent[]): Promise<void> => {
    for (let attempt = 1; ; attempt++) {
      if (failed) throw new Error('an earlier part of this rebuild failed');
      try {
        await db.transaction().execute((trx) => bulk.apply(trx.withSchema(schema), part));
        return;
      } catch (error) {
        if (!isDeadlock(error) || attempt >= 5) {
          failed = true;
          throw error;
        }
      }
    }
  };
  const tails: Promise<void>[] = Array.from({ length: lanes }, () => Promise.resolve());
  let checkpoint: Promise<LogPosition | null> = Promise.resolve(start);
  const waiting: Promise<LogPosition | null>[] = [];
  const settle = () => Promise.allSettled([...tails, checkpoint]);
  return {
    /** Queues a batch; waits while `ahead` batches are queued. `onCheckpoint` runs when its checkpoint is written. */
    async push(events: readonly RecordedEvent[], onCheckpoint: () => void): Promise<void> {
      const parts = Array.from({ length: lanes }, (): RecordedEvent[] => []);
      for (const event of events) parts[laneOf(event.streamId, lanes)]!.push(event);
      const committed = parts.map((part, lane) =>
        (tails[lane] = observed(tails[lane]!.then(() => (part.length > 0 ? applyPart(part) : undefined)))),
      );
      const previous = checkpoint;
      checkpoint = observed(
        Promise.all([previous, ...committed])
          .then(([expected]) =>
            db.transaction().execute(async (trx) => {
              await lockCheckpoint(trx, projection, expected);
              return advanceCheckpoint(trx, projection, expected, events);
            }),
          )
          .then(
            (moved) => {
              onCheckpoint();
              return moved;
            },
            (error: unknown) => {
              failed = true;
              throw error;
            },
          ),
      );
      waiting.push(checkpoint);
      if (waiting.length < ahead) return;
      try {
        await waiting.shift();
      } catch (error) {
        await settle();
        throw error;
      }
    },
    /** Waits for every queued batch; the position of the last checkpoint. */
    async end(): Promise<LogPosition | null> {
      try {
        return await checkpoint;
      } catch (error) {
        await settle();
        throw error;
      }
    },
  };
};

/**
 * Derives what a bulk load left to the end (see `Projection.bulk`): its chains at once, `lanes` at a
 * time, each in a transaction of its own; then clears the mark. A chain that fails leaves the mark,
 * and the whole finish runs again next time (each step replaces what it derives).
 */
const finishBulk = async (db: Db, projection: AnyProjection, schema: string, lanes: number): Promise<void> => {
  await inLanes(projection.bulk?.finish ?? [], lanes, (steps) =>
    db.transaction().execute(async (trx) => {
      await sql`set local work_mem = ${sql.lit(BULK_MEMORY)}`.execute(trx);
      for (const step of steps) await step(trx.withSchema(schema), schema);
    }),
  );
  await sql`delete from app.projection_bulk_pending where schema_name = ${schema}`.execute(db);
};

/**
 * What a bulk load leaves to its end, for this version: the deferred keys built, the roll-ups
 * derived, the deferred indexes built. A rebuild calls it once it has read the log; every projector
 * calls it before its first batch, so a rebuild that died is finished there (nothing to do in the
 * usual case).
 */
export const completeUnfinishedRebuild = async (db: Db, projection: AnyProjection, lanes = DEFAULT_LANES): Promise<void> => {
  const schema = schemaOf(projection);
  const { rows } = await sql<{ pending: boolean }>`
    select exists (select 1 from app.projection_bulk_pending where schema_name = ${schema}) as pending`.execute(db);
  if (rows[0]?.pending) {
    // The facts first hold each row once again (their keys), then the roll-ups are derived from them.
    await restoreIndexes(db, schema, lanes, 'keys');
    await finishBulk(db, projection, schema, lanes);
  }
  await restoreIndexes(db, schema, lanes);
};

/**
 * Blue/green rebuild: builds `projection` (a version that is not serving) from position 0 into its
 * own tables while the active version keeps serving and keeps being projected, then swaps the views
 * in one transaction. Events committed between the last batch and the swap are applied by the new
 * version's live projector, which continues from the checkpoint the rebuild left. A projection with a
 * bulk writer is loaded with it and finished once at the end (marked pending meanwhile).
 */
export const rebuildProjection = async (
  deps: { readonly store: EventStore; readonly db: Kysely<unknown> },
  projection: AnyProjection,
  options: RebuildOptions = {},
): Promise<RebuildResult> => {
  const batchSize = options.batchSize ?? 1_000;
  const applySize = Math.max(batchSize, options.applySize ?? DEFAULT_APPLY_SIZE);
  const progressEveryMs = options.progressEveryMs ?? 1_000;
  const schema = schemaOf(projection);
  const lanes = Math.max(1, Math.floor(options.lanes ?? DEFAULT_LANES));
  await prepareVersion(deps.db, projection);
  await restoreIndexes(deps.db, schema, lanes);
  await deferIndexes(deps.db, schema, projection.bulk?.appendOnly ?? []);
  const bulk = projection.bulk !== undefined;
  if (bulk)
    await sql`
      insert into app.projection_bulk_pending (schema_name) values (${schema})
      on conflict (schema_name) do update set started_at = now()`.execute(deps.db);
  const { rows } = await sql<{ n: number }>`
    select count(*)::int as n from eventstore.events where stream_category = any(${[...projection.categories]}::text[])`.execute(
    deps.db,
  );
  const total = rows[0]?.n ?? 0;

  const started = performance.now();
  let lastReport = started;
  let applied = 0;
  let position: LogPosition | null = null;
  const progress = (): RebuildProgress => {
    const elapsedMs = performance.now() - started;
    return {
      projection: projection.name,
      version: projection.version,
      applied,
      total,
      percentOfHead: total === 0 ? 100 : (100 * applied) / total,
      eventsPerSecond: elapsedMs > 0 ? (applied * 1000) / elapsedMs : 0,
      elapsedMs,
    };
  };

  const read = (after: LogPosition | null) =>
    deps.store.readAll({ after, limit: batchSize, categories: projection.categories });
  const report = () => {
    if (options.onProgress && performance.now() - lastReport >= progressEveryMs) {
      lastReport = performance.now();
      options.onProgress(progress());
    }
  };
  // One lane (or no bulk writer): each batch with its checkpoint in one transaction, in turn.
  const loader = bulk && lanes > 1 ? bulkLanes(deps.db, projection, schema, lanes, position) : null;
  // The next batch is read while this one is applied (the store and the read models have their own
  // connections), so the rebuild waits on one of the two, not on both in turn.
  const apply = async (batch: readonly RecordedEvent[]) => {
    if (loader) {
      await loader.push(batch, () => {
        applied += batch.length;
        report();
      });
      return;
    }
    position = await applyBatch(deps.db, projection, schema, position, batch, projection.bulk?.apply);
    applied += batch.length;
    report();
  };
  let next = read(position);
  let gathered: RecordedEvent[] = [];
  for (;;) {
    const batch = await next;
    if (batch.length > 0) {
      next = read(batch[batch.length - 1]!.logPosition);
      // Observed by the next turn; a failed apply below must not leave it an unhandled rejection.
      next.catch(() => undefined);
      gathered = gathered.length === 0 ? batch : gathered.concat(batch);
    }
    if (gathered.length > 0 && (gathered.length >= applySize || batch.length === 0)) {
      await apply(gathered);
      gathered = [];
    }
    if (batch.length === 0) break;
  }
  if (loader) position = await loader.end();
  // The load's end is what a rebuild that died leaves undone: the same steps, in the same order.
  await completeUnfinishedRebuild(deps.db, projection, lanes);
  const activate = options.activate ?? true;
  if (activate) await activateVersion(deps.db, projection);
  const final = progress();
  options.onProgress?.(final);
  return { ...final, position, activated: activate };
};
