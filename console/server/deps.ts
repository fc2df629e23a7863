import type { AccessDeps } from '../../core/access/service.ts';
import type { AccessScope, StaffPrincipal } from '../../core/access/scope.ts';
import type { BlobStore } from '../../core/blobs/types.ts';
import type { EventStore } from '../../core/eventstore/types.ts';
import type { WarningPhase } from '../../core/warning/state.ts';

/** One line of the warning inbox (预警待办), as the projections' read model serves it. */
export interface WarningInboxItem {
  readonly warningId: string;
  readonly kind: string;
  readonly severity: string;
  readonly phase: WarningPhase;
  readonly round: number;
  readonly leadDepartment: string;
  readonly cooperatingDepartments: readonly string[];
  readonly matterCode: string | null;
  readonly windowCode: string | null;
  readonly raisedAt: string;
  /** The deadline in force for the current phase (派单 / 答复 / 回访), or null. */
  readonly dueAt: string | null;
  readonly overdue: boolean;
  readonly escalation: number;
  readonly appealStatus: string;
}

export interface WarningInboxFilter {
  readonly principal: StaffPrincipal;
  readonly scope: AccessScope;
  readonly overdueOnly: boolean;
  readonly limit: number;
}

/** The read side the staff API needs; supplied by projections/ (the API never builds read models). */
export interface StaffQueries {
  readonly warningInbox: (filter: WarningInboxFilter) => Promise<readonly WarningInboxItem[]>;
}

export interface StaffApiConfig {
  /** Secure cookies: true/false, or 'auto' (Secure when the request came over https). Default 'auto'. */
  readonly secureCookies?: boolean | 'auto';
  /** Origins other than the API's own that may send state-changing requests (a separate console host). */
  readonly allowedOrigins?: readonly string[];
  /** Largest evidence upload in bytes (default 50 MB, the blob store's video limit). */
  readonly maxUploadBytes?: number;
}

/**
 * What the staff API is built from, passed in by the composition root (embedded main, tests).
 * `access` carries the store, database, vault, clock and id source the sessions need.
 */
export interface StaffApiDeps {
  readonly access: AccessDeps;
  readonly store: EventStore;
  readonly clock: { now(): Date };
  readonly blobs: BlobStore;
  /** Absent until the projections are wired: GET /warnings then answers 503. */
  readonly queries?: StaffQueries;
  readonly config?: StaffApiConfig;
  /** Told about bugs (5xx) only; never given request bodies. */
  readonly log?: (line: string) => void;
}
