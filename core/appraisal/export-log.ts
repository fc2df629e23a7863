import type { Actor, EventStore } from '../eventstore/types.ts';
import type { AppraisalUnitKind } from './overrides.ts';

/**
 * Scorecard exports (考核表导出) as log entries in the monthly stream `appraisal-exports-<yyyy-mm>`
 * (Asia/Shanghai): who took which scorecard out of the system, in which format, and when. Entries,
 * not decisions: appended with any version, one id per export.
 */
export type ScorecardExportedEvent = {
  readonly type: 'ScorecardExported';
  readonly data: {
    readonly unitKind: AppraisalUnitKind;
    readonly period: string;
    readonly format: 'xlsx' | 'csv';
    readonly rows: number;
    /**
     * Set when the export was the evidence behind one number (the ratings and warnings of one unit's
     * metric): whose rating data left the system. Absent for a whole scorecard.
     */
    readonly evidence?: { readonly unit: string; readonly metric: string };
    readonly by: string;
    readonly at: string;
  };
};

const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

export const exportLogStreamId = (at: Date): string =>
  `appraisal-exports-${new Date(at.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 7)}`;

export const logScorecardExport = async (
  store: EventStore,
  entry: Omit<ScorecardExportedEvent['data'], 'by' | 'at'>,
  context: { readonly eventId: string; readonly actor: Actor; readonly at: Date },
): Promise<void> => {
  const data: ScorecardExportedEvent['data'] = { ...entry, by: context.actor.id, at: context.at.toISOString() };
  await store.append(
    exportLogStreamId(context.at),
    [{ id: context.eventId, type: 'ScorecardExported', schemaVersion: 1, data, metadata: { actor: context.actor, occurredAt: data.at } }],
    { expectedVersion: 'any' },
  );
};
