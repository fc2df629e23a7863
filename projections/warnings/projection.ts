import type { Kysely } from 'kysely';
import type { RecordedEvent } from '../../core/eventstore/types.ts';
import type { WarningEvent } from '../../core/warning/events.ts';
import { warningIdOf } from '../../core/warning/stream.ts';
import type { WarningRowDraft, WarningsTable } from '../read-models/warnings.ts';
import { evolveWarningRow } from '../read-models/warnings.ts';
import type { WarningsByDayTable } from '../read-models/warnings-by-day.ts';
import { warningsByDayFromRows, writeWarningsByDay } from '../read-models/warnings-by-day.ts';
import type { Projection } from '../runtime/types.ts';
import type { Merge } from '../runtime/upsert.ts';
import { upsertJsonRows } from '../runtime/upsert.ts';

export interface WarningTables {
  warnings: WarningsTable;
  warnings_by_day: WarningsByDayTable;
}

const toDraft = (row: Record<string, unknown>): WarningRowDraft =>
  Object.fromEntries(
    Object.entries(row).map(([column, value]) => [
      column,
      value instanceof Date ? value.toISOString() : value,
    ]),
  ) as WarningRowDraft;

const replace: Merge = (_existing, incoming) => incoming;

/**
 * Folds a batch into the warning rows it changes (skipping any fact at or below a row's stream
 * version), writes each changed row once, and returns each one's state before and after the batch.
 */
const writeWarnings = async (
  trx: Kysely<WarningTables>,
  events: readonly RecordedEvent[],
): Promise<{ before: WarningRowDraft | null; after: WarningRowDraft }[]> => {
  const facts = events.flatMap((event) => {
    const warningId = warningIdOf(event.streamId);
    return warningId
      ? [
          {
            warningId,
            event: event as RecordedEvent as unknown as WarningEvent,
            version: event.streamVersion,
          },
        ]
      : [];
  });
  if (facts.length === 0) return [];
  const ids = [...new Set(facts.map((fact) => fact.warningId))];
  const stored = await trx.selectFrom('warnings').selectAll().where('warning_id', 'in', ids).execute();
  const before = new Map<string, WarningRowDraft>(stored.map((row) => [row.warning_id, toDraft(row)]));
  const rows = new Map<string, WarningRowDraft | null>(before);
  const changed = new Set<string>();
  for (const { warningId, event, version } of facts) {
    const current = rows.get(warningId) ?? null;
    const after = evolveWarningRow(current, event, version);
    if (after !== current) {
      rows.set(warningId, after);
      changed.add(warningId);
    }
  }
  const writes = [...changed]
    .map((id) => rows.get(id))
    .filter((row): row is WarningRowDraft => row !== null && row !== undefined);
  if (writes.length === 0) return [];
  const columns = Object.keys(writes[0]!).filter((column) => column !== 'warning_id');
  await upsertJsonRows(trx, 'warnings', ['warning_id'], writes, Object.fromEntries(columns.map((column) => [column, replace])));
  return writes.map((after) => ({ before: before.get(after.warning_id) ?? null, after }));
};

/**
 * 预警 projection: one row per warning (read-models/warnings.ts), and the day roll-up moved by each
 * changed row's part after the batch minus its part before. A rebuild writes the rows only and sums
 * the roll-up once at the end.
 */
export const warningsProjection: Projection<WarningTables> = {
  name: 'warnings',
  version: 1,
  categories: ['warning'],
  tables: ['warnings', 'warnings_by_day'],
  async apply(trx, events) {
    const changes = await writeWarnings(trx, events);
    if (changes.length > 0) await writeWarningsByDay(trx as Kysely<unknown>, changes);
  },
  bulk: {
    async apply(trx, events) {
      await writeWarnings(trx, events);
    },
    finish: [[(trx) => warningsByDayFromRows(trx as Kysely<unknown>)]],
  },
};
