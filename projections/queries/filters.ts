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
  window: v.optional(CodeSchema),
  staff: v.optional(CodeSchema),
  channel: v.optional(v.picklist(['sms', 'qr_case', 'qr_static'])),
  channelGroup: v.optional(v.picklist(['online', 'offline'])),
  applicantType: v.optional(CodeSchema),
  enterpriseType: v.optional(CodeSchema),
  stage: v.optional(v.picklist(['accepted', 'in_progress', 'concluded'])),
});
export type RatingFilter = v.InferOutput<typeof RatingFilterSchema>;

/** Dimensions ratings roll up by, and the column (and display-name column) behind each. */
export const ratingDimensions = {
  department: { key: 'department_code', label: 'department_name' },
  matter: { key: 'matter_code', label: 'matter_name' },
  hall: { key: 'hall_code', label: 'hall_name' },
  window: { key: 'window_code', label: 'window_name' },
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
 * to the dimensions that table has. Column names come from the fixed map above, values are parameters.
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
    parts.push(sql`${ref(column)} = ${value}`);
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
