export { createStaffApi, staffApiBase } from './app.ts';
export type { StaffApiConfig, StaffApiDeps, StaffQueries, WarningInboxFilter, WarningInboxItem, WarningInboxPage } from './deps.ts';
export type { StaffEnv } from './env.ts';
