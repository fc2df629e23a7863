import type { RawBuilder } from 'kysely';
import { sql } from 'kysely';
import * as v from 'valibot';

/** A calendar day that exists (no 2025-02-30, no year 0000: the database would refuse them). */
const DAY = v.pipe(
  v.string(),
  v.regex(/^\d{4}-\d{2}-\d{2}$/, 'a day as YYYY-MM-DD'),
  v.check((day) => {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return true; // the regex has said it (one issue per field)
    const date = new Date(`${day}T00:00:00Z`);
    return day >= '1900-01-01' && !Number.isNaN(date.getTime()) && date.toISOString().startsWith(day);
  }, 'a day as YYYY-MM-DD'),
);
/**
 * A code of the read models (department, matter, hall, window, staff), 1–64 characters. Codes are
 * compared with stored text: no control characters (the database refuses NUL).
 */
// eslint-disable-next-line no-control-regex -- refusing control characters is the point
export const CodeSchema = v.pipe(v.string(), v.minLength(1), v.maxLength(64), v.regex(/^[^\u0000-\u001f\u007f]*$/, 'no control characters'));
/** A code, or a window's key: its hall's code and its own ('SMZJ/W07', `keySql`), up to 129 characters. */
// eslint-disable-next-line no-control-regex -- refusing control characters is the point
export const KeySchema = v.pipe(v.string(), v.minLength(1), v.maxLength(129), v.regex(/^[^\u0000-\u001f\u007f]*$/, 'no control characters'));

/**
 * What a dashboard may filter ratings by. Days are Beijing-time calendar days, both ends included.
 * The console's API parses its query string with this schema (bad input → problem+json naming the
 * field) before calling any query here.
 */
export const RatingFilterSchema = v.strictObject({
  from: v.optional(DAY),
  to: v.optional(DAY),
  department: v.optional(CodeSchema),
  matter: v.optional(CodeSchema),
  hall: v.optional(CodeSchema),
  /** A window's key ('SMZJ/W07'), or a bare window code for that window in every hall. */
  window: v.optional(KeySchema),
  staff: v.optional(CodeSchema),
  channel: v.optional(v.picklist(['sms', 'qr_case', 'qr_static'])),
  channelGroup: v.optional(v.picklist(['online', 'offline'])),
  applicantType: v.optional(CodeSchema),
  enterpriseType: v.optional(CodeSchema),
  stage: v.optional(v.picklist(['accepted', 'in_progress', 'concluded'])),
});
export type RatingFilter = v.InferOutput<typeof RatingFilterSchema>;

type Columns = string | readonly string[];

/**
 * The SQL of a key of one column, or of several joined by '/'. A window's key is its hall's code and
 * its own, 'SMZJ/W07': window codes repeat across halls (every hall has a W01). Hall codes never hold
 * a '/' (the case API's code pattern and the static-QR halls' configuration), so a key splits at its
 * first one (`windowOf`).
 */
export const keySql = (columns: Columns, alias?: string): RawBuilder<string> => {
  const list = typeof columns === 'string' ? [columns] : columns;
  return sql<string>`${sql.join(
    list.map((column) => sql.ref(alias ? `${alias}.${column}` : column)),
    sql` || '/' || `,
  )}`;
};

/**
 * The SQL that a key of those columns equals `value`, column by column so that their indexes serve it.
 * A value with fewer parts than columns (a bare window code) names its last columns only: that window
 * in every hall, as the window filter reads it.
 */
export const keyEquals = (columns: Columns, value: string, alias?: string): RawBuilder<unknown> => {
  const list = typeof columns === 'string' ? [columns] : columns;
  const parts = list.length === 1 ? [value] : splitKey(value, list.length);
  const named = list.slice(list.length - parts.length);
  return sql.join(
    named.map((column, index) => sql`${sql.ref(alias ? `${alias}.${column}` : column)} = ${parts[index]!}`),
    sql` and `,
  );
};

/** A key split at its first `count - 1` slashes (the last part keeps any further ones). */
const splitKey = (value: string, count: number): string[] => {
  const parts: string[] = [];
  let rest = value;
  while (parts.length < count - 1) {
    const slash = rest.indexOf('/');
    if (slash < 0) break;
    parts.push(rest.slice(0, slash));
    rest = rest.slice(slash + 1);
  }
  return [...parts, rest];
};

/** The SQL of a group's display name: one column's, or several joined by ' · ' ('市民之家 · 7号窗口'). */
export const labelSql = (columns: Columns): RawBuilder<string> => {
  const list = typeof columns === 'string' ? [columns] : columns;
  return list.length === 1
    ? sql<string>`max(${sql.ref(list[0]!)})`
    : sql<string>`concat_ws(' · ', ${sql.join(list.map((column) => sql`max(${sql.ref(column)})`))})`;
};

/**
 * What a window filter names: a window key ('SMZJ/W07') is that hall's window; a bare window code
 * ('W07') is the window of that code in every hall (filters written before windows had keys).
 */
export const windowOf = (value: string): { readonly hall: string | null; readonly window: string } => {
  const [first, second] = splitKey(value, 2);
  return second === undefined ? { hall: null, window: first! } : { hall: first!, window: second };
};

/**
 * Dimensions ratings roll up by, and the columns behind each: the key's (a window's: its hall's and
 * its own) and the display name's (a window's: its hall's before its own, so that two halls' 7号窗口
 * do not look alike in one ranking).
 */
export const ratingDimensions = {
  department: { key: 'department_code', label: 'department_name' },
  matter: { key: 'matter_code', label: 'matter_name' },
  hall: { key: 'hall_code', label: 'hall_name' },
  window: { key: ['hall_code', 'window_code'], label: ['hall_name', 'window_name'] },
  staff: { key: 'staff_id', label: 'staff_name' },
  channel: { key: 'channel', label: 'channel' },
  channelGroup: { key: 'channel_group', label: 'channel_group' },
  applicantType: { key: 'applicant_type', label: 'applicant_type' },
  enterpriseType: { key: 'enterprise_type', label: 'enterprise_type' },
  stage: { key: 'stage', label: 'stage' },
} as const;
export type RatingDimension = keyof typeof ratingDimensions;
export const RatingDimensionSchema = v.picklist(
  Object.keys(ratingDimensions) as [RatingDimension, ...RatingDimension[]],
);

export const periods = { day: 'day_key', week: 'week_key', month: 'month_key' } as const;
export type Period = keyof typeof periods;
export const PeriodSchema = v.picklist(['day', 'week', 'month']);

const columnOf: Record<Exclude<keyof RatingFilter, 'from' | 'to'>, string> = {
  department: 'department_code',
  matter: 'matter_code',
  hall: 'hall_code',
  window: 'window_code',
  staff: 'staff_id',
  channel: 'channel',
  channelGroup: 'channel_group',
  applicantType: 'applicant_type',
  enterpriseType: 'enterprise_type',
  stage: 'stage',
};

/**
 * The WHERE conditions of a rating filter over a table with the given day column; `only` limits it
 * to the dimensions that table has (a table with windows has their halls too: a window key filters
 * both). Column names come from the fixed map above, values are parameters.
 */
export const ratingConditions = (
  filter: RatingFilter,
  options: { alias?: string; dayColumn?: string | null; only?: readonly (keyof typeof columnOf)[] } = {},
): RawBuilder<unknown> => {
  const ref = (column: string) => sql.ref(options.alias ? `${options.alias}.${column}` : column);
  const parts: RawBuilder<unknown>[] = [sql`true`];
  // null: the caller states the period itself (as instants, say).
  const day = options.dayColumn === undefined ? 'day_key' : options.dayColumn;
  if (day !== null && filter.from) parts.push(sql`${ref(day)} >= ${filter.from}`);
  if (day !== null && filter.to) parts.push(sql`${ref(day)} <= ${filter.to}`);
  for (const [name, column] of Object.entries(columnOf) as [keyof typeof columnOf, string][]) {
    const value = filter[name];
    if (value === undefined) continue;
    if (options.only && !options.only.includes(name)) continue;
    parts.push(name === 'window' ? keyEquals(ratingDimensions.window.key, value, options.alias) : sql`${ref(column)} = ${value}`);
  }
  return sql.join(parts, sql` and `);
};

export type FilterDimension = keyof typeof columnOf;

/**
 * Whether a day rollup with columns for `dimensions` can answer the filter: every dimension the
 * filter sets (of those a query applies, `considered`, all by default) is one of the rollup's.
 */
export const filterWithin = (
  filter: RatingFilter,
  dimensions: readonly FilterDimension[],
  considered: readonly FilterDimension[] = Object.keys(columnOf) as FilterDimension[],
): boolean =>
  considered.every((dimension) => filter[dimension] === undefined || dimensions.includes(dimension));
