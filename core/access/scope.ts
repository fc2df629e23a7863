import { assertNever } from '../decider/decider.ts';
import type { StaffRole } from './roles.ts';

/** Who is asking: what a session resolves to on every request. */
export interface StaffPrincipal {
  readonly accountId: string;
  readonly role: StaffRole;
  /** 部门代码; null for district-wide roles. */
  readonly department: string | null;
}

/**
 * Which warnings (and ratings) a principal sees (数据范围). Department scoping is enforced in the
 * API, not only hidden in the UI: an object outside the scope is answered as if it did not exist.
 */
export type AccessScope =
  | { readonly kind: 'district' }
  | { readonly kind: 'department'; readonly department: string }
  /** Rated staff see the warnings raised about themselves (by account id = staff number, 工号). */
  | { readonly kind: 'rated_staff'; readonly staffId: string };

export const scopeOf = (principal: StaffPrincipal): AccessScope => {
  switch (principal.role) {
    case 'department_handler':
      return principal.department === null ? { kind: 'department', department: '' } : { kind: 'department', department: principal.department };
    case 'rated_staff':
      return { kind: 'rated_staff', staffId: principal.accountId };
    case 'administrator':
    case 'dispatcher':
    case 'callback_officer':
    case 'working_group_lead':
    case 'auditor':
    case 'appraisal_officer':
      return { kind: 'district' };
    default:
      return assertNever(principal.role);
  }
};

/** The departments and person a warning concerns, as any view of it (stream or read model) knows them. */
export interface WarningParties {
  readonly leadDepartment: string;
  readonly cooperatingDepartments: readonly string[];
  readonly subject: { readonly department?: string; readonly staffId?: string };
}

/**
 * A department sees a warning it leads, cooperates on, or that rates its own service (so that it
 * can appeal); rated staff see the warnings about themselves; district roles see all.
 */
export const canSeeWarning = (scope: AccessScope, warning: WarningParties): boolean => {
  switch (scope.kind) {
    case 'district':
      return true;
    case 'department':
      return (
        scope.department !== '' &&
        (warning.leadDepartment === scope.department ||
          warning.cooperatingDepartments.includes(scope.department) ||
          warning.subject.department === scope.department)
      );
    case 'rated_staff':
      return warning.subject.staffId === scope.staffId;
    default:
      return assertNever(scope);
  }
};
