import type { Decider } from '../../decider/decider.ts';
import type { AccountCommand } from './commands.ts';
import { decide } from './decide.ts';
import type { AccountEvent } from './events.ts';
import { accountSchemaVersions } from './events.ts';
import { evolve } from './evolve.ts';
import type { AccountState } from './state.ts';
import { initialAccountState } from './state.ts';

/** 工作人员账号: decided purely; hashing, clocks and session tokens live outside. */
export const accountDecider: Decider<AccountCommand, AccountEvent, AccountState> = {
  initialState: initialAccountState,
  decide,
  evolve,
  schemaVersions: accountSchemaVersions,
};
