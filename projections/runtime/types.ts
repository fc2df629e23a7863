import type { Kysely } from 'kysely';
import type { RecordedEvent } from '../../core/eventstore/types.ts';

/**
 * A projection: a deterministic function from events to read-model rows. `apply` receives a kysely
 * bound to the schema of this version's tables (`rm_<name>_v<version>`), inside the transaction that
 * also saves the checkpoint; it must write only from the events (no clock, no randomness) so that a
 * rebuild from position 0 yields exactly the rows the live projector wrote, and be idempotent (upserts
 * keyed by event or stream, version-guarded) so that applying a batch twice changes nothing.
 *
 * @example
 *   const ratings: Projection<RatingTables> = {
 *     name: 'ratings', version: 1, categories: ['case', 'invitation'],
 *     tables: ['rating_facts', 'case_facts'],
 *     apply: async (trx, events) => { … trx.insertInto('rating_facts').values(rows) … },
 *   };
 */
export interface Projection<Tables = unknown> {
  /** Lower-case letters, digits and underscores: it names the schema `rm_<name>_v<version>`. */
  readonly name: string;
  readonly version: number;
  /** Stream categories read (the part of the stream id before the first '-'). */
  readonly categories: readonly string[];
  /** The tables this projection owns, each served as the view `app.<table>`. */
  readonly tables: readonly (keyof Tables & string)[];
  apply(trx: Kysely<Tables>, events: readonly RecordedEvent[]): Promise<void>;
  /**
   * A faster way to build the version from position 0, for a rebuild: `apply` writes only the rows
   * that come straight from events, and `finish` derives the rest from them once, at the end (a
   * roll-up as one GROUP BY instead of an upsert per batch). After `finish` the tables must equal
   * what the live `apply` writes. A rebuild splits each batch by stream and applies the parts in
   * concurrent transactions, so `apply` must give the same rows whatever the order of different
   * streams' events (a row fed by several streams merges them commutatively), must be idempotent
   * (a part committed before a crash is applied again), and should write rows in key order (two
   * parts then lock shared rows in the same order).
   */
  readonly bulk?: {
    apply(trx: Kysely<Tables>, events: readonly RecordedEvent[]): Promise<void>;
    /**
     * Independent chains of steps: a chain's steps run in order in one transaction, and the chains
     * run at once, as many as the rebuild has lanes (heaviest first is best). Each step replaces what
     * it derives, so that a finish that died is right when run again: a rebuild that died is
     * finished by whoever next runs the version.
     */
    readonly finish: readonly (readonly FinishStep<Tables>[])[];
    /**
     * Tables whose rows `apply` only inserts, each row an immutable fact keyed by its event (its
     * copy, if a part is applied again, is the same row). A rebuild defers their primary keys too,
     * so `apply` inserts them plainly (`insertJsonRows`) instead of probing a key per row, and builds
     * each key once, sorted, before `finish`; exact copies are removed first if any are found.
     */
    readonly appendOnly?: readonly (keyof Tables & string)[];
  };
}

/**
 * One step of a bulk finish: `trx` is bound to the version's schema; `schema` names it for raw SQL
 * (which the bound kysely does not rewrite).
 */
export type FinishStep<Tables = unknown> = (trx: Kysely<Tables>, schema: string) => Promise<void>;

/** Any projection, whatever its tables (what the runtime handles). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyProjection = Projection<any>;

const NAME = /^[a-z][a-z0-9_]{0,40}$/;

export const schemaOf = (projection: Pick<AnyProjection, 'name' | 'version'>): string => {
  if (!NAME.test(projection.name)) throw new Error(`projection name ${projection.name} must match ${NAME}`);
  if (!Number.isInteger(projection.version) || projection.version < 1)
    throw new Error(`projection ${projection.name}: version must be a positive integer`);
  return `rm_${projection.name}_v${projection.version}`;
};

export const projectorIdOf = (projection: Pick<AnyProjection, 'name' | 'version'>): string =>
  `projection:${projection.name}@v${projection.version}`;
