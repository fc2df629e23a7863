import type { StaffRole } from './roles.ts';

/**
 * Everything a staff member can ask of the console API. Reading is split from acting so that
 * read-only roles (auditor, appraisal officer) can see without being able to change anything.
 */
export const staffActions = [
  'warning.list',
  'warning.read',
  'warning.dispatch',
  'warning.reply',
  'warning.collaborate',
  'warning.evidence',
  'warning.status',
  'warning.phone_callback',
  'warning.onsite_check',
  'warning.appeal',
  'warning.appeal_review',
  'blob.upload',
  /** Open a stored file (rating attachment, warning evidence) of a rating or warning in scope. */
  'blob.read',
  'account.manage',
  /** Dashboards (看板) and the rating lists behind their numbers; department roles see their own only. */
  'dashboard.read',
  'rating.list',
  'department.list',
  /** Configuration in force (questionnaire, warning policy, calendar): read, and publish. */
  'config.read',
  'config.manage',
  /** The development SMS outbox (phones masked). */
  'sms.outbox',
  /** The district's monthly bulletin (月度通报): district-wide figures, so district roles only. */
  'bulletin.read',
  /** The audit timeline (审计追溯) of a warning or rating in scope, and its JSON and PDF exports. */
  'audit.read',
  /** Appraisal scorecards (考核表) with the ratings and warnings behind each number; exports; overrides with a reason. */
  'appraisal.read',
  'appraisal.export',
  'appraisal.override',
  /** Reveal a real-name rater's masked phone (查看完整号码) of a warning in scope, with a reason; logged. */
  'pii.reveal',
] as const;

export type StaffAction = (typeof staffActions)[number];

const readWarnings: readonly StaffAction[] = ['warning.list', 'warning.read', 'blob.read'];
/** What every console role with a dashboard reads (everyone but rated staff). */
const readDashboards: readonly StaffAction[] = ['dashboard.read', 'rating.list', 'department.list'];

/**
 * The permission matrix (权限矩阵), written once. Which warnings a role sees is a separate question
 * (scope.ts): a department handler may reply, but only to its own department's warnings.
 */
const matrix: Readonly<Record<StaffRole, ReadonlySet<StaffAction>>> = {
  administrator: new Set<StaffAction>(['account.manage', ...readWarnings, ...readDashboards, 'config.read', 'config.manage', 'sms.outbox', 'bulletin.read', 'audit.read', 'pii.reveal']),
  dispatcher: new Set<StaffAction>([...readWarnings, ...readDashboards, 'warning.dispatch', 'bulletin.read', 'audit.read']),
  department_handler: new Set<StaffAction>([
    ...readWarnings,
    ...readDashboards,
    'warning.reply',
    'warning.collaborate',
    'warning.evidence',
    'warning.status',
    // The rated department (被评价部门) may contest a rating, as the seed's 申诉复核 allows.
    'warning.appeal',
    'blob.upload',
    'audit.read',
  ]),
  callback_officer: new Set<StaffAction>([...readWarnings, ...readDashboards, 'warning.phone_callback', 'warning.onsite_check', 'blob.upload', 'pii.reveal']),
  // The rectification working group (工作专班) reviews appeals and follows escalations.
  working_group_lead: new Set<StaffAction>([...readWarnings, ...readDashboards, 'warning.appeal_review', 'bulletin.read', 'audit.read']),
  // Auditors also read the configuration, to see what was in force when (never to change it).
  auditor: new Set<StaffAction>([...readWarnings, ...readDashboards, 'config.read', 'bulletin.read', 'audit.read', 'appraisal.read', 'appraisal.export']),
  // The appraisal officer changes nothing but a scorecard value, and only with a written reason (an event).
  appraisal_officer: new Set<StaffAction>([...readWarnings, ...readDashboards, 'bulletin.read', 'audit.read', 'appraisal.read', 'appraisal.export', 'appraisal.override']),
  // 被评价人员: appeals only, on warnings about themselves.
  rated_staff: new Set<StaffAction>([...readWarnings, 'warning.appeal', 'blob.upload']),
};

export const can = (role: StaffRole, action: StaffAction): boolean => matrix[role].has(action);

/** Roles allowed an action, for documentation and for the authorization tests. */
export const rolesAllowed = (action: StaffAction): StaffRole[] =>
  (Object.keys(matrix) as StaffRole[]).filter((role) => matrix[role].has(action));
