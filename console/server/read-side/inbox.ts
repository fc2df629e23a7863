import type { Kysely } from 'kysely';
import type { StaffRole } from '../../../core/access/roles.ts';
import { assertNever } from '../../../core/decider/decider.ts';
import type { InboxRole } from '../../../projections/queries/warnings.ts';
import { warningInbox } from '../../../projections/queries/warnings.ts';
import type { StaffQueries } from '../deps.ts';

/**
 * Which inbox of the projections each staff role opens. District roles without work of their own
 * (administrator, appraisal officer) see all open warnings as an auditor does. Rated staff have no
 * inbox: the read model does not yet index warnings by staff member (they reach their warnings by id).
 */
const inboxRoleOf = (role: StaffRole): InboxRole | null => {
  switch (role) {
    case 'dispatcher':
    case 'department_handler':
    case 'callback_officer':
    case 'working_group_lead':
    case 'auditor':
      return role;
    case 'administrator':
    case 'appraisal_officer':
      return 'auditor';
    case 'rated_staff':
      return null;
    default:
      return assertNever(role);
  }
};

/** The warning inbox over the projections' read model (app.warnings). */
export const inboxQuery = (db: Kysely<unknown>, clock: { now(): Date }): StaffQueries['warningInbox'] =>
  async function warningInboxQuery({ principal, overdueOnly, limit }) {
    const role = inboxRoleOf(principal.role);
    if (role === null) return [];
    if (role === 'department_handler' && !principal.department) return [];
    return warningInbox(db, {
      role,
      ...(principal.department ? { department: principal.department } : {}),
      now: clock.now(),
      overdueOnly,
      limit,
    });
  };
