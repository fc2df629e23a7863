import * as v from 'valibot';

/**
 * Whether an ISO-8601 timestamp names a real moment. valibot's `isoTimestamp` checks the shape only,
 * so it lets 2025-02-30 through; Postgres then refuses the value wherever it becomes a `timestamptz`,
 * long after the sender was told it was recorded. Text of another shape passes here: the shape check
 * reports it (one issue per field).
 *
 * @example isRealInstant('2025-02-28T10:00:00+08:00') === true; isRealInstant('2025-02-30T10:00:00+08:00') === false
 */
export const isRealInstant = (text: string): boolean => {
  const date = /^(\d{4})-(\d{2})-(\d{2})[T ]/.exec(text);
  if (!date) return true;
  const [year, month, day] = [Number(date[1]), Number(date[2]), Number(date[3])];
  const calendar = new Date(Date.UTC(year, month - 1, day));
  return year >= 1900 && calendar.getUTCMonth() === month - 1 && calendar.getUTCDate() === day && !Number.isNaN(Date.parse(text));
};

/** An ISO-8601 timestamp with offset (e.g. 2025-10-31T09:30:00+08:00) that names a real moment. */
export const instantSchema = (message = 'an ISO-8601 timestamp with offset, e.g. 2025-10-31T09:30:00+08:00') =>
  v.pipe(v.string(), v.isoTimestamp(message), v.check(isRealInstant, message));
