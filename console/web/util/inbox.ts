import type { WarningInboxItem, WarningPhase } from '../api/types.ts';

export interface InboxFilter {
  readonly phase?: WarningPhase;
  readonly department?: string;
  readonly overdue?: boolean;
}

/** The read model's flag, or a deadline that has passed since the rows were loaded. */
export const isOverdue = (item: WarningInboxItem, now: number): boolean =>
  item.phase !== 'closed' && (item.overdue || (item.dueAt !== null && Date.parse(item.dueAt) < now));

/**
 * The filters the staff API does not take yet, applied to the loaded rows. A department matches the
 * lead or a cooperating department.
 */
export const matchesInboxFilter = (item: WarningInboxItem, filter: InboxFilter, now: number): boolean => {
  if (filter.phase && item.phase !== filter.phase) return false;
  if (filter.overdue && !isOverdue(item, now)) return false;
  const department = filter.department?.trim();
  if (department && item.leadDepartment !== department && !item.cooperatingDepartments.includes(department)) return false;
  return true;
};
