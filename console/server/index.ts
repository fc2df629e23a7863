export { createStaffApi, staffApiBase } from './app.ts';
export type { StaffApiConfig, StaffApiDeps, StaffQueries, WarningInboxFilter, WarningInboxItem } from './deps.ts';
export type { StaffEnv } from './env.ts';
