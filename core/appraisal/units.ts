/**
 * What an appraisal is of, and which of its values an officer may override. Free of dependencies, so
 * that the console's bundle takes the lists from here rather than copying them.
 */

/** 部门、窗口、人员. */
export const appraisalUnitKinds = ['department', 'window', 'staff'] as const;
export type AppraisalUnitKind = (typeof appraisalUnitKinds)[number];

/** The scorecard values an officer may override: the rates (0…1) and award eligibility (1 eligible, 0 not). */
export const overridableMetrics = [
  'good_rate',
  'satisfied_rate',
  'negative_rate',
  'rectification_completion_rate',
  'on_time_dispatch_rate',
  'on_time_reply_rate',
  'award_eligible',
] as const;
export type OverridableMetric = (typeof overridableMetrics)[number];
