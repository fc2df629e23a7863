export { createStaffApi, staffApiBase } from './app.ts';
export type {
  AttachmentView,
  Department,
  HeatmapCell,
  RatingRow,
  RatingScope,
  SmsOutboxItem,
  StaffApiConfig,
  StaffApiDeps,
  StaffQueries,
  WarningDashboard,
  WarningInboxFilter,
  WarningInboxItem,
  WarningStageRow,
} from './deps.ts';
export type { StaffEnv } from './env.ts';
export { projectionQueries } from './read-side/index.ts';
