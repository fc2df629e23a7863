import type { Insertable, Selectable } from 'kysely';
import type { CaseEvent } from '../../core/case/events.ts';
import type { RecordedEvent } from '../../core/eventstore/types.ts';
import type { EvaluationSubmitted } from '../../core/invitation/events.ts';
import { shanghaiKeys } from '../time/shanghai.ts';
import type { NullableInstant } from './columns.ts';

/**
 * 办件 (app.case_facts): a case's dimensions, completion and first rating, for 未评率. Columns are
 * set once, except the stage, which follows the case system's sequence number (newest wins), and
 * `first_rated_at`, which keeps the earliest rating: both idempotent.
 */
export interface CaseFactsTable {
  case_id: string;
  department_code: string | null;
  department_name: string | null;
  matter_code: string | null;
  matter_name: string | null;
  hall_code: string | null;
  window_code: string | null;
  staff_id: string | null;
  applicant_type: string | null;
  stage: string | null;
  stage_sequence: number;
  registered_at: NullableInstant;
  completed_at: NullableInstant;
  completed_day_key: string | null;
  completed_month_key: string | null;
  result: string | null;
  overdue_at: NullableInstant;
  first_rated_at: NullableInstant;
}

export type CaseFact = Selectable<CaseFactsTable>;
export type NewCaseFact = Insertable<CaseFactsTable>;

export const caseSetOnceColumns = [
  'department_code',
  'department_name',
  'matter_code',
  'matter_name',
  'hall_code',
  'window_code',
  'staff_id',
  'applicant_type',
  'registered_at',
  'completed_at',
  'completed_day_key',
  'completed_month_key',
  'result',
  'overdue_at',
] as const satisfies readonly (keyof CaseFactsTable)[];

type CaseRow = { -readonly [K in keyof NewCaseFact]-?: Exclude<NewCaseFact[K], undefined> };

const unset = Object.fromEntries(caseSetOnceColumns.map((column) => [column, null])) as Record<
  (typeof caseSetOnceColumns)[number],
  null
>;

const empty = (caseId: string): CaseRow => ({
  case_id: caseId,
  ...unset,
  stage: null,
  stage_sequence: 0,
  first_rated_at: null,
});

// The fold below owns its rows (each made by `empty`), so it sets their columns in place.
const setOnce = (row: CaseRow, fact: Partial<CaseRow>): void => {
  const target = row as Record<string, unknown>;
  for (const column in fact) {
    const value = fact[column as keyof CaseRow];
    if (target[column] === null && value !== undefined) target[column] = value;
  }
};

const setStage = (row: CaseRow, stage: string, sequence: number): void => {
  if (sequence > row.stage_sequence) {
    row.stage = stage;
    row.stage_sequence = sequence;
  }
};

const applyCaseEvent = (row: CaseRow, event: CaseEvent): void => {
  switch (event.type) {
    case 'CaseRegistered': {
      const { details, occurredAt, stage, sequence } = event.data;
      setOnce(row, {
        department_code: details.department.code,
        department_name: details.department.name,
        matter_code: details.matter.code,
        matter_name: details.matter.name,
        hall_code: details.hall.code,
        window_code: details.window.code,
        staff_id: details.staff.id,
        applicant_type: details.applicantType,
        registered_at: occurredAt,
      });
      setStage(row, stage, sequence);
      return;
    }
    case 'CaseStageChanged':
      setStage(row, event.data.to, event.data.sequence);
      return;
    case 'CaseCompleted': {
      const keys = shanghaiKeys(event.data.occurredAt);
      setOnce(row, {
        completed_at: event.data.occurredAt,
        completed_day_key: keys.dayKey,
        completed_month_key: keys.monthKey,
        result: event.data.result,
      });
      setStage(row, 'concluded', event.data.sequence);
      return;
    }
    case 'CaseOverdue':
      setOnce(row, { overdue_at: event.data.occurredAt });
      return;
    default: {
      const _never: never = event;
      return;
    }
  }
};

const caseEventTypes: ReadonlySet<string> = new Set(['CaseRegistered', 'CaseStageChanged', 'CaseCompleted', 'CaseOverdue']);

const earliest = (a: string | null, b: string): string =>
  a === null || Date.parse(b) < Date.parse(a) ? b : a;

/** Folds a batch's case events and ratings (by their case) into one row per case. */
export const caseRowsOf = (events: readonly RecordedEvent[]): NewCaseFact[] => {
  const rows = new Map<string, CaseRow>();
  const rowOf = (caseId: string): CaseRow => {
    let row = rows.get(caseId);
    if (!row) rows.set(caseId, (row = empty(caseId)));
    return row;
  };
  for (const event of events) {
    if (event.type === 'EvaluationSubmitted') {
      const rating = event.data as EvaluationSubmitted['data'];
      const caseId = rating.subject.caseId;
      if (caseId === null) continue;
      const row = rowOf(caseId);
      row.first_rated_at = earliest(row.first_rated_at, rating.submittedAt);
      continue;
    }
    if (!caseEventTypes.has(event.type)) continue;
    const caseEvent = event as unknown as CaseEvent;
    applyCaseEvent(rowOf(caseEvent.data.caseId), caseEvent);
  }
  return [...rows.values()];
};
