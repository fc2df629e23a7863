import type { ColumnType } from 'kysely';

/** timestamptz: read as a Date, written as an ISO string (events carry ISO strings). */
export type Instant = ColumnType<Date, string, string>;
export type NullableInstant = ColumnType<Date | null, string | null, string | null>;
/** jsonb: written as its JSON text (both drivers would send a JS array as a Postgres array). */
export type Json<T> = ColumnType<T, string, string>;
