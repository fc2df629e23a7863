import type { Decider } from '../decider/decider.ts';
import { assertNever } from '../decider/decider.ts';
import type { CaseEvent, CaseResult } from './events.ts';
import { caseSchemaVersions } from './events.ts';
import type { CaseDetails, CaseProgress, CaseRef, CaseStage } from './types.ts';
import { caseIdOf } from './types.ts';

/**
 * What the case system reports, after the edge validated it and sealed the applicant's phone.
 * Every report carries the case details, so a case can be registered by whichever report arrives
 * first (completion reports sometimes overtake registration).
 */
interface CaseReportBase extends CaseRef {
  readonly sequence: number;
  readonly occurredAt: string;
  readonly details: CaseDetails;
}

export type CaseCommand =
  | (CaseReportBase & { readonly type: 'RecordCaseRegistered'; readonly stage: CaseStage })
  | (CaseReportBase & { readonly type: 'RecordCaseStageChanged'; readonly stage: CaseStage })
  | (CaseReportBase & { readonly type: 'RecordCaseCompleted'; readonly result: CaseResult })
  | (CaseReportBase & { readonly type: 'RecordCaseOverdue'; readonly dueAt: string });

export interface CaseState {
  readonly status: 'none' | 'open';
  readonly caseId: string | null;
  readonly stage: CaseStage | null;
  readonly progress: CaseProgress;
  readonly completed: boolean;
  readonly details: CaseDetails | null;
  /** Sequences already recorded: the same sequence is never appended twice. */
  readonly sequences: readonly number[];
  readonly lastSequence: number;
}

export const initialCaseState: CaseState = {
  status: 'none',
  caseId: null,
  stage: null,
  progress: 'on_time',
  completed: false,
  details: null,
  sequences: [],
  lastSequence: 0,
};

/**
 * How a report relates to what is recorded: `duplicate` (this sequence is in), `stale` (a stage change
 * with an older sequence arriving after a newer report: ignored, the newer report already says where
 * the case is), `no_change` (nothing new to say, e.g. completed twice), or `record`. Completion and
 * 办件超时 are facts no later report repeats: they are recorded whatever order they arrive in, or the
 * case would never be invited to a rating, or its overdue warning never raised.
 */
export type CaseReportOutcome = 'record' | 'duplicate' | 'stale' | 'no_change';

export const classifyCaseReport = (command: CaseCommand, state: CaseState): CaseReportOutcome => {
  if (state.sequences.includes(command.sequence)) return 'duplicate';
  if (state.status === 'none') return 'record';
  switch (command.type) {
    case 'RecordCaseRegistered':
      return 'no_change';
    case 'RecordCaseStageChanged':
      if (command.sequence < state.lastSequence) return 'stale';
      return command.stage === state.stage ? 'no_change' : 'record';
    case 'RecordCaseCompleted':
      return state.completed ? 'no_change' : 'record';
    case 'RecordCaseOverdue':
      return state.progress === 'overdue' ? 'no_change' : 'record';
    default:
      return assertNever(command);
  }
};

const decide = (command: CaseCommand, state: CaseState): CaseEvent[] => {
  if (classifyCaseReport(command, state) !== 'record') return [];
  const base = {
    caseId: caseIdOf(command),
    system: command.system,
    externalCaseId: command.externalCaseId,
    sequence: command.sequence,
    occurredAt: command.occurredAt,
  };
  const events: CaseEvent[] = [];
  let stage = state.stage;
  if (state.status === 'none') {
    // A report that overtakes registration registers the case at the stage it reports.
    const registeredAt: CaseStage =
      command.type === 'RecordCaseRegistered' || command.type === 'RecordCaseStageChanged'
        ? command.stage
        : command.type === 'RecordCaseCompleted'
          ? 'concluded'
          : 'in_progress';
    events.push({ type: 'CaseRegistered', data: { ...base, stage: registeredAt, details: command.details } });
    stage = registeredAt;
  }
  switch (command.type) {
    case 'RecordCaseRegistered':
      break;
    case 'RecordCaseStageChanged':
      if (stage !== command.stage) events.push({ type: 'CaseStageChanged', data: { ...base, from: stage!, to: command.stage } });
      break;
    case 'RecordCaseCompleted':
      if (stage !== 'concluded') events.push({ type: 'CaseStageChanged', data: { ...base, from: stage!, to: 'concluded' } });
      events.push({ type: 'CaseCompleted', data: { ...base, result: command.result } });
      break;
    case 'RecordCaseOverdue':
      events.push({ type: 'CaseOverdue', data: { ...base, dueAt: command.dueAt } });
      break;
    default:
      return assertNever(command);
  }
  return events;
};

const withSequence = (state: CaseState, sequence: number): Pick<CaseState, 'sequences' | 'lastSequence'> => ({
  sequences: state.sequences.includes(sequence) ? state.sequences : [...state.sequences, sequence],
  lastSequence: Math.max(state.lastSequence, sequence),
});

const evolve = (state: CaseState, event: CaseEvent): CaseState => {
  switch (event.type) {
    case 'CaseRegistered':
      return {
        ...state,
        ...withSequence(state, event.data.sequence),
        status: 'open',
        caseId: event.data.caseId,
        stage: event.data.stage,
        details: event.data.details,
      };
    case 'CaseStageChanged':
      return { ...state, ...withSequence(state, event.data.sequence), stage: event.data.to };
    case 'CaseCompleted':
      return { ...state, ...withSequence(state, event.data.sequence), stage: 'concluded', completed: true };
    case 'CaseOverdue':
      return { ...state, ...withSequence(state, event.data.sequence), progress: 'overdue' };
    default:
      return assertNever(event);
  }
};

/** The 办件 aggregate, stream `case-<system>:<externalCaseId>`. */
export const caseDecider: Decider<CaseCommand, CaseEvent, CaseState> = {
  initialState: initialCaseState,
  decide,
  evolve,
  schemaVersions: caseSchemaVersions,
};
