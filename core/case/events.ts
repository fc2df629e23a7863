import type { DomainEvent } from '../decider/decider.ts';
import type { CaseDetails, CaseStage } from './types.ts';

/** Common to every case event: which case, and where it sits in the case system's own event sequence. */
interface CaseEventBase {
  readonly caseId: string;
  readonly system: string;
  readonly externalCaseId: string;
  /** The case system's sequence number for this case; idempotency and ordering key. */
  readonly sequence: number;
  /** When it happened in the case system (ISO-8601). */
  readonly occurredAt: string;
}

/** 办件登记 */
export type CaseRegistered = DomainEvent<'CaseRegistered', CaseEventBase & { readonly stage: CaseStage; readonly details: CaseDetails }>;
/** 办理阶段变更 */
export type CaseStageChanged = DomainEvent<'CaseStageChanged', CaseEventBase & { readonly from: CaseStage; readonly to: CaseStage }>;
/** 办结 */
export type CaseCompleted = DomainEvent<'CaseCompleted', CaseEventBase & { readonly result: CaseResult }>;
/** 办件超时 */
export type CaseOverdue = DomainEvent<'CaseOverdue', CaseEventBase & { readonly dueAt: string }>;

/** 办理结果: 准予 / 不予 / 其他 (as the case system reports; a rejected case may still be rated). */
export type CaseResult = 'approved' | 'rejected' | 'other';

export type CaseEvent = CaseRegistered | CaseStageChanged | CaseCompleted | CaseOverdue;

export const caseSchemaVersions = { CaseRegistered: 1, CaseStageChanged: 1, CaseCompleted: 1, CaseOverdue: 1 } as const;
