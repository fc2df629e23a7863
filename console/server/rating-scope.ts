import type { StaffPrincipal } from '../../core/access/scope.ts';
import { scopeOf } from '../../core/access/scope.ts';
import { assertNever } from '../../core/decider/decider.ts';
import { DomainError } from '../../core/shared/errors.ts';
import type { RatingFilter } from '../../projections/queries/filters.ts';
import { RatingFilterSchema } from '../../projections/queries/filters.ts';
import type { RatingScope, StaffQueries } from './deps.ts';

/** Which ratings a principal sees (数据范围), from the same scope as warnings (core/access/scope.ts). */
export const ratingScopeOf = (principal: StaffPrincipal): RatingScope => {
  const scope = scopeOf(principal);
  switch (scope.kind) {
    case 'district':
      return { kind: 'district' };
    case 'department':
      return { kind: 'department', department: scope.department };
    case 'rated_staff':
      return { kind: 'staff', staffId: scope.staffId };
    default:
      return assertNever(scope);
  }
};

const filterKeys = Object.keys(RatingFilterSchema.entries) as (keyof RatingFilter)[];

/**
 * The dashboard filter of a parsed query, forced into the caller's scope: a department handler's
 * numbers are its own department's whatever the query named (enforced here, not only in the page).
 */
export const scopedFilter = (
  principal: StaffPrincipal,
  query: Partial<Record<keyof RatingFilter, unknown>>,
): RatingFilter => {
  const filter: Record<string, unknown> = {};
  for (const key of filterKeys) if (query[key] !== undefined) filter[key] = query[key];
  const scope = ratingScopeOf(principal);
  switch (scope.kind) {
    case 'district':
      return filter as RatingFilter;
    case 'department':
      return { ...filter, department: scope.department } as RatingFilter;
    case 'staff':
      return { ...filter, staff: scope.staffId } as RatingFilter;
    default:
      return assertNever(scope);
  }
};

/** The read models behind the read routes, or a 503 saying they are not wired (never a 500). */
export const readModels = (queries: StaffQueries | undefined): StaffQueries => {
  if (!queries) {
    throw new DomainError('READ_MODELS_UNAVAILABLE', '统计数据暂不可用(读模型未接入)', {
      status: 503,
      details: { en: 'The read models are not wired.' },
    });
  }
  return queries;
};
