import type { StaffPrincipal } from '../../core/access/scope.ts';

/** What the middleware puts on each request's context. */
export interface StaffEnv {
  Variables: {
    /** The signed-in staff member, or null. */
    principal: StaffPrincipal | null;
    /** The raw session token from the cookie (only while it is valid). */
    sessionToken: string | null;
  };
}
