import type { Decider } from '../decider/decider.ts';
import type { WarningCommand } from './commands.ts';
import { decide } from './decide.ts';
import type { WarningEvent } from './events.ts';
import { warningSchemaVersions } from './events.ts';
import { evolve } from './evolve.ts';
import type { WarningState } from './state.ts';
import { initialWarningState } from './state.ts';

export const warningDecider: Decider<WarningCommand, WarningEvent, WarningState> = {
  initialState: initialWarningState,
  decide,
  evolve,
  schemaVersions: warningSchemaVersions,
};
