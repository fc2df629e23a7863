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

const JSON_CHUNK_ROWS = 5_000;

/**
 * The same upsert as `upsertRows`, with the rows sent as ONE jsonb parameter per chunk and turned
 * into typed rows by Postgres (`jsonb_populate_recordset(null::<table>, …)`): no statement with
 * thousands of parameters to build, send and bind, which is what a rebuild spends its time on.
 * Every row must carry every column it sets (an absent key reads as null, not as the default);
 * `jsonColumns` are jsonb columns whose values arrive as JSON text. With `returning`, answers that
 * column of the rows actually inserted or updated (with DO NOTHING: the new ones).
 */
export const upsertJsonRows = <DB, Row extends Record<string, unknown>>(
  trx: Kysely<DB>,
  table: keyof DB & string,
  key: readonly string[],
  rows: readonly Row[],
  merge: Readonly<Record<string, Merge>> = {},
  options: { readonly jsonColumns?: readonly string[]; readonly returning?: string } = {},
): Promise<unknown[]> => writeJsonRows(trx, table, key, rows, merge, options);

/**
 * The rows inserted as they are, sent like `upsertJsonRows`: for a table whose key a rebuild has
 * deferred (`Projection.bulk.appendOnly`), where there is nothing to conflict with.
 */
export const insertJsonRows = <DB, Row extends Record<string, unknown>>(
  trx: Kysely<DB>,
  table: keyof DB & string,
  rows: readonly Row[],
  options: { readonly jsonColumns?: readonly string[] } = {},
): Promise<unknown[]> => writeJsonRows(trx, table, null, rows, {}, options);

/** Both of the above: with `key` null, no ON CONFLICT clause. */
const writeJsonRows = async <DB, Row extends Record<string, unknown>>(
  trx: Kysely<DB>,
  table: keyof DB & string,
  key: readonly string[] | null,
  rows: readonly Row[],
  merge: Readonly<Record<string, Merge>>,
  options: { readonly jsonColumns?: readonly string[]; readonly returning?: string },
): Promise<unknown[]> => {
  if (rows.length === 0) return [];
  const columns = Object.keys(rows[0]!);
  const jsonColumns = options.jsonColumns ?? [];
  const rules = Object.entries(merge);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const db = trx as Kysely<any>;
  const name = table as string;
  const returned: unknown[] = [];
  for (let start = 0; start < rows.length; start += JSON_CHUNK_ROWS) {
    const chunk = rows.slice(start, start + JSON_CHUNK_ROWS);
    const payload = JSON.stringify(
      jsonColumns.length === 0
        ? chunk
        : chunk.map((row) => {
            const copy: Record<string, unknown> = { ...row };
            for (const column of jsonColumns)
              if (typeof copy[column] === 'string') copy[column] = JSON.parse(copy[column]);
            return copy;
          }),
    );
    const query = db
      .insertInto(name)
      .columns(columns)
      .expression((eb) =>
        eb
          .selectFrom(sql`jsonb_populate_recordset(null::${sql.table(name)}, ${payload}::jsonb)`.as('incoming'))
          .select(columns.map((column) => sql.ref(`incoming.${column}`).as(column))),
      )
      .$if(key !== null, (insert) =>
        insert.onConflict((conflict) => {
          const target = conflict.columns(key as string[]);
          if (rules.length === 0) return target.doNothing();
          // eslint-disable-next-line @typescript-eslint/no-explicit-any
          const updates: any = Object.fromEntries(
            rules.map(([column, rule]) => [column, rule(sql.ref(`${name}.${column}`), sql.ref(`excluded.${column}`))]),
          );
          return target.doUpdateSet(updates);
        }),
      );
    if (options.returning) {
      const out = (await query.returning(options.returning).execute()) as Record<string, unknown>[];
      for (const row of out) returned.push(row[options.returning]);
    } else await query.execute();
  }
  return returned;
};
