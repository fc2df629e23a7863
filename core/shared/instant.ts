import * as v from 'valibot';

/**
 * Whether an ISO-8601 timestamp names a real moment that both Postgres and JavaScript read as
 * written. valibot's `isoTimestamp` checks the shape only, so it lets through 2025-02-30 (Postgres
 * refuses it; `Date` rolls it over to 2 March), a `+20:00` offset (Postgres refuses offsets past 15
 * hours; real ones run from −12:00 to +14:00) and `+08` without minutes (`Date` cannot read it).
 * Postgres then refuses the value wherever it becomes a `timestamptz`, long after the sender was told
 * it was recorded. Years before 1900 are refused too: no case or rating is that old, and `Date.UTC`
 * would read years 0–99 as 1900–1999.
 *
 * @example isRealInstant('2025-02-28T10:00:00+08:00') === true; isRealInstant('2025-02-30T10:00:00+08:00') === false
 */
export const isRealInstant = (text: string): boolean => {
  const date = /^(\d{4})-(\d{2})-(\d{2})[T ]/.exec(text);
  if (!date) return false;
  const [year, month, day] = [Number(date[1]), Number(date[2]), Number(date[3])];
  const calendar = new Date(Date.UTC(year, month - 1, day));
  const offset = /([+-])(\d{2}):?(\d{2})?$/.exec(text);
  const offsetMinutes = offset ? Number(offset[2]) * 60 + Number(offset[3] ?? 0) : 0;
  const offsetReal = !offset || (offset[1] === '+' ? offsetMinutes <= 14 * 60 : offsetMinutes <= 12 * 60);
  return year >= 1900 && calendar.getUTCMonth() === month - 1 && calendar.getUTCDate() === day && offsetReal && !Number.isNaN(Date.parse(text));
};

/**
 * An ISO-8601 timestamp with offset (e.g. 2025-10-31T09:30:00+08:00) that names a real moment; one
 * issue per field, with the message given.
 */
export const instantSchema = (message = 'an ISO-8601 timestamp with offset, e.g. 2025-10-31T09:30:00+08:00') =>
  v.pipe(
    v.string(),
    v.isoTimestamp(message),
    v.rawCheck(({ dataset, addIssue }) => {
      if (dataset.typed && !dataset.issues && !isRealInstant(dataset.value)) addIssue({ message });
    }),
  );
