import type { Kysely } from 'kysely';
import type { RecordedEvent } from '../../core/eventstore/types.ts';
import type { WarningEvent } from '../../core/warning/events.ts';
import { warningIdOf } from '../../core/warning/stream.ts';
import type { WarningRowDraft, WarningsTable } from '../read-models/warnings.ts';
import { evolveWarningRow } from '../read-models/warnings.ts';
import type { WarningsByDayTable } from '../read-models/warnings-by-day.ts';
import { writeWarningsByDay } from '../read-models/warnings-by-day.ts';
import type { Projection } from '../runtime/types.ts';
import type { Merge } from '../runtime/upsert.ts';
import { upsertRows } from '../runtime/upsert.ts';

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
 * 预警 projection: loads the batch's warnings, folds their facts with `evolveWarningRow` (skipping
 * any fact at or below the row's stream version), writes each changed row once, and moves the day
 * roll-up by each changed row's part after minus its part before.
 */
export const warningsProjection: Projection<WarningTables> = {
  name: 'warnings',
  version: 1,
  categories: ['warning'],
  tables: ['warnings', 'warnings_by_day'],
  async apply(trx, events) {
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
    if (facts.length === 0) return;
    const ids = [...new Set(facts.map((fact) => fact.warningId))];
    const stored = await trx.selectFrom('warnings').selectAll().where('warning_id', 'in', ids).execute();
    const before = new Map<string, WarningRowDraft>(stored.map((row) => [row.warning_id, toDraft(row)]));
    const rows = new Map<string, WarningRowDraft | null>(before);
    const changed = new Set<string>();
    for (const { warningId, event, version } of facts) {
      const before = rows.get(warningId) ?? null;
      const after = evolveWarningRow(before, event, version);
      if (after !== before) {
        rows.set(warningId, after);
        changed.add(warningId);
      }
    }
    const writes = [...changed]
      .map((id) => rows.get(id))
      .filter((row): row is WarningRowDraft => row !== null && row !== undefined);
    if (writes.length === 0) return;
    const columns = Object.keys(writes[0]!).filter((column) => column !== 'warning_id');
    await upsertRows(
      trx,
      'warnings',
      ['warning_id'],
      writes,
      Object.fromEntries(columns.map((column) => [column, replace])),
    );
    await writeWarningsByDay(
      trx as Kysely<unknown>,
      writes.map((after) => ({ before: before.get(after.warning_id) ?? null, after })),
    );
  },
};
