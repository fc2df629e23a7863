import type { CaseCommand, CaseReportOutcome } from '../../core/case/decider.ts';
import { caseDecider, classifyCaseReport } from '../../core/case/decider.ts';
import type { CaseDetails, SealedPhone } from '../../core/case/types.ts';
import { caseIdOf, caseStreamId } from '../../core/case/types.ts';
import { handleCommand } from '../../core/decider/command-handler.ts';
import { maskPhone } from '../../core/pii/mask.ts';
import type { IntakeDeps } from '../deps.ts';
import type { CaseEventInput } from './schema.ts';

export interface RecordedCaseEvent {
  readonly caseId: string;
  readonly sequence: number;
  /** recorded | duplicate (this sequence is in) | stale (older than what is recorded: ignored) | no_change. */
  readonly outcome: CaseReportOutcome | 'recorded';
  readonly events: number;
}

const sealPhone = async (deps: Pick<IntakeDeps, 'vault'>, phone: string | null): Promise<SealedPhone | null> =>
  phone === null ? null : { sealed: await deps.vault.seal(phone, 'phone'), masked: maskPhone(phone), blindIndex: await deps.vault.blindIndex(phone, 'phone') };

const toCommand = async (deps: Pick<IntakeDeps, 'vault'>, system: string, input: CaseEventInput): Promise<CaseCommand> => {
  const details: CaseDetails = {
    matter: input.case.matter,
    department: input.case.department,
    hall: input.case.hall,
    window: input.case.window,
    staff: { id: input.case.staff.id, displayName: input.case.staff.name },
    applicantType: input.case.applicantType,
    enterpriseType: input.case.enterpriseType,
    regionCode: input.case.regionCode,
    applicantPhone: await sealPhone(deps, input.case.applicantPhone),
  };
  const base = { system, externalCaseId: input.caseId, sequence: input.sequence, occurredAt: input.occurredAt, details };
  switch (input.type) {
    case 'registered':
      return { type: 'RecordCaseRegistered', ...base, stage: input.stage };
    case 'stage_changed':
      return { type: 'RecordCaseStageChanged', ...base, stage: input.stage };
    case 'completed':
      return { type: 'RecordCaseCompleted', ...base, result: input.result };
    case 'overdue':
      return { type: 'RecordCaseOverdue', ...base, dueAt: input.dueAt };
  }
};

/**
 * Records one validated case event on its case's stream, idempotent by (case id, sequence): the API
 * and the backfill (infra/cases) both come through here. `correlationId` says where it came from.
 */
export const recordCaseEvent = async (
  deps: Pick<IntakeDeps, 'store' | 'vault' | 'clock'>,
  system: string,
  input: CaseEventInput,
  correlationId: string,
): Promise<RecordedCaseEvent> => {
  const command = await toCommand(deps, system, input);
  const ref = { system, externalCaseId: input.caseId };
  const result = await handleCommand(deps.store, caseStreamId(ref), caseDecider, command, {
    commandId: `case-report:${caseIdOf(ref)}:${input.sequence}`,
    actor: { id: `case-system:${system}`, role: 'case_system' },
    now: deps.clock.now(),
    correlationId,
  });
  const outcome = result.appended.length > 0 ? 'recorded' : result.alreadyHandled ? 'duplicate' : classifyCaseReport(command, result.state);
  return { caseId: input.caseId, sequence: input.sequence, outcome, events: result.appended.length };
};
