import { fold } from '../decider/decider.ts';
import type { EventStore } from '../eventstore/types.ts';
import type { AppraisalEvent, AppraisalState, AppraisalUnitKind } from './overrides.ts';
import { appraisalDecider, appraisalStreamId } from './overrides.ts';
import type { AppraisalRulesEvent, AppraisalRulesState } from './rules.ts';
import { appraisalRulesDecider, appraisalRulesStreamId } from './rules.ts';

export * from './export-log.ts';
export * from './overrides.ts';
export * from './rules.ts';

/** The appraisal rules in force, from `config-appraisal` (the shipped defaults at version 0). */
export const loadAppraisalRules = async (store: EventStore): Promise<AppraisalRulesState> =>
  fold(appraisalRulesDecider, (await store.readStream(appraisalRulesStreamId)) as unknown as AppraisalRulesEvent[]);

/** The overrides in force for one unit kind and period. */
export const loadOverrides = async (store: EventStore, unitKind: AppraisalUnitKind, period: string): Promise<AppraisalState> =>
  fold(appraisalDecider, (await store.readStream(appraisalStreamId(unitKind, period))) as unknown as AppraisalEvent[]);
