import type { Kysely, RawBuilder } from 'kysely';
import { sql } from 'kysely';

/** How a conflicting row's column is merged: `existing` is the stored value, `incoming` the new one. */
export type Merge = (existing: RawBuilder<unknown>, incoming: RawBuilder<unknown>) => RawBuilder<unknown>;

/** The first value wins: a set-once column. */
export const keepFirst: Merge = (existing, incoming) => sql`coalesce(${existing}, ${incoming})`;
export const earliest: Merge = (existing, incoming) => sql`least(${existing}, ${incoming})`;
export const greatest: Merge = (existing, incoming) => sql`greatest(${existing}, ${incoming})`;

const CHUNK_PARAMETERS = 30_000;

/**
 * Multi-row INSERT … ON CONFLICT (key) DO UPDATE with a merge rule per column, chunked below
 * Postgres's parameter limit. Columns without a rule are left as stored (DO NOTHING when none has
 * one). The conflict refers to the stored row by the table's bare name, which Postgres accepts
 * whatever schema the insert names (the kysely given may be bound to a version's schema).
 */
export const upsertRows = async <DB, Row extends Record<string, unknown>>(
  trx: Kysely<DB>,
  table: keyof DB & string,
  key: readonly string[],
  rows: readonly Row[],
  merge: Readonly<Record<string, Merge>> = {},
): Promise<void> => {
  if (rows.length === 0) return;
  const width = Object.keys(rows[0]!).length;
  const size = Math.max(1, Math.floor(CHUNK_PARAMETERS / width));
  const rules = Object.entries(merge);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const db = trx as Kysely<any>;
  const name = table as string;
  for (let start = 0; start < rows.length; start += size) {
    const chunk = rows.slice(start, start + size);
    await db
      .insertInto(name)
      .values(chunk)
      .onConflict((conflict) => {
        const target = conflict.columns(key as string[]);
        if (rules.length === 0) return target.doNothing();
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        const updates: any = Object.fromEntries(
          rules.map(([column, rule]) => [
            column,
            rule(sql.ref(`${name}.${column}`), sql.ref(`excluded.${column}`)),
          ]),
        );
        return target.doUpdateSet(updates);
      })
      .execute();
  }
};
