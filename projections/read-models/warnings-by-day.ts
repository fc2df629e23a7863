import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { Merge } from '../runtime/upsert.ts';
import { upsertRows } from '../runtime/upsert.ts';
import type { WarningRowDraft, WarningsTable } from './warnings.ts';

/**
 * 预警日汇总 (app.warnings_by_day): the warnings raised each Beijing day per place, lead department
 * and phase, with what the rectification rates count, so that the warning panel over a year sums a
 * few thousand rows instead of reading every warning. Each row is the exact sum of its warnings: the
 * projection subtracts a changed warning's part before the batch and adds its part after.
 *
 * What depends on the clock (a deadline passed but nothing done yet) is not here: the queries count
 * it from the live rows that can still be late (not dispatched, or not closed), which are few.
 */
export interface WarningsByDayTable {
  raised_day_key: string;
  /** '' when the warning names none (a filter never asks for ''). */
  department_code: string;
  matter_code: string;
  /** The rated service's hall: with the window code, the window's key (every hall has a W01). */
  hall_code: string;
  window_code: string;
  /** The rated service's staff member (public id), for the staff filter. */
  staff_id: string;
  lead_department: string;
  phase: string;
  /** Every warning, for the warnings by phase. */
  raised: number;
  /** The rates' warnings: all but those closed by an upheld appeal (申诉成立). */
  counted: number;
  verified: number;
  rectified: number;
  callbacks: number;
  callbacks_satisfied: number;
  dispatched: number;
  dispatched_on_time: number;
  replies: number;
  replies_on_time: number;
}

export const warningsByDayKey = [
  'raised_day_key',
  'department_code',
  'matter_code',
  'hall_code',
  'window_code',
  'staff_id',
  'lead_department',
  'phase',
] as const;
const counts = [
  'raised',
  'counted',
  'verified',
  'rectified',
  'callbacks',
  'callbacks_satisfied',
  'dispatched',
  'dispatched_on_time',
  'replies',
  'replies_on_time',
] as const;

type Part = WarningsByDayTable & Record<string, unknown>;

/** Whether the rates leave the warning out: closed by an upheld appeal. */
const appealUpheld = (row: Pick<WarningRowDraft, 'appeal_status' | 'outcome'>): boolean =>
  row.appeal_status === 'upheld' || row.outcome === 'appeal_upheld';

/** A warning's part of its roll-up row (the same counts as the facts query in queries/warnings.ts). */
export const warningPart = (row: WarningRowDraft): Part => {
  const counted = !appealUpheld(row);
  const n = (condition: boolean) => (counted && condition ? 1 : 0);
  return {
    raised_day_key: row.raised_day_key,
    department_code: row.department_code ?? '',
    matter_code: row.matter_code ?? '',
    hall_code: row.hall_code ?? '',
    window_code: row.window_code ?? '',
    staff_id: row.staff_id ?? '',
    lead_department: row.lead_department,
    phase: row.phase,
    raised: 1,
    counted: n(true),
    verified: n(row.outcome === 'rectified' || (row.phone_satisfied !== null && row.on_site_satisfied !== null)),
    rectified: n(row.outcome === 'rectified'),
    callbacks: counted ? row.callbacks : 0,
    callbacks_satisfied: counted ? row.callbacks_satisfied : 0,
    dispatched: n(row.dispatched_at !== null),
    dispatched_on_time: n(row.dispatch_on_time === true),
    replies: counted ? row.replies : 0,
    replies_on_time: counted ? row.replies_on_time : 0,
  };
};

const add: Merge = (existing, incoming) => sql`${existing} + ${incoming}`;

/**
 * Adds what the changed warnings moved: each one's part after the batch minus its part before
 * (null: the warning was not there yet). Rows in key order, so two writers never wait in a cycle.
 */
export const writeWarningsByDay = async (
  trx: Kysely<unknown>,
  changes: readonly { readonly before: WarningRowDraft | null; readonly after: WarningRowDraft }[],
): Promise<void> => {
  const sums = new Map<string, Part>();
  const fold = (part: Part, sign: 1 | -1) => {
    const id = warningsByDayKey.map((column) => part[column]).join('\u0000');
    const sum = sums.get(id) ?? { ...part, ...Object.fromEntries(counts.map((column) => [column, 0])) };
    for (const column of counts) sum[column] += sign * part[column];
    sums.set(id, sum);
  };
  for (const { before, after } of changes) {
    if (before) fold(warningPart(before), -1);
    fold(warningPart(after), 1);
  }
  const rows = [...sums.entries()]
    .filter(([, sum]) => counts.some((column) => sum[column] !== 0))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, sum]) => sum);
  const db = trx as Kysely<{ warnings_by_day: WarningsByDayTable }>;
  await upsertRows(db, 'warnings_by_day', [...warningsByDayKey], rows, Object.fromEntries(counts.map((column) => [column, add])));
  // A row whose last warning moved on holds nothing (no warning, so every count is 0): it goes, so the
  // table is the same however the events were batched.
  const emptied = rows.filter((row) => row.raised < 0).map((row) => row.raised_day_key);
  if (emptied.length > 0)
    await db.deleteFrom('warnings_by_day').where('raised', '=', 0).where('raised_day_key', 'in', [...new Set(emptied)]).execute();
};

/**
 * The roll-up summed again from every warning row, replacing what was there: the end of a rebuild,
 * which writes the rows only. Read in key order, a chunk at a time, each folded like a batch of new
 * warnings (the same `warningPart` as the live projection, so both give the same rows).
 */
export const warningsByDayFromRows = async (trx: Kysely<unknown>): Promise<void> => {
  const chunk = 10_000;
  const db = trx as Kysely<{ warnings: WarningsTable; warnings_by_day: WarningsByDayTable }>;
  await db.deleteFrom('warnings_by_day').execute();
  for (let after: string | null = null; ; ) {
    const rows = await db
      .selectFrom('warnings')
      .selectAll()
      .$if(after !== null, (query) => query.where('warning_id', '>', after!))
      .orderBy('warning_id')
      .limit(chunk)
      .execute();
    if (rows.length === 0) return;
    await writeWarningsByDay(trx, rows.map((row) => ({ before: null, after: row as unknown as WarningRowDraft })));
    after = rows[rows.length - 1]!.warning_id;
  }
};
