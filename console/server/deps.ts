import type { OidcSignIn } from '../../core/access/oidc.ts';
import type { AccessDeps } from '../../core/access/service.ts';
import type { AccessScope, StaffPrincipal } from '../../core/access/scope.ts';
import type { BlobStore } from '../../core/blobs/types.ts';
import type { EventStore } from '../../core/eventstore/types.ts';
import type { WarningPhase } from '../../core/warning/state.ts';
import type { AppraisalQueries } from '../../projections/appraisal/index.ts';
import type { Rate } from '../../projections/metrics/definitions.ts';
import type { FunnelRow } from '../../projections/queries/funnel.ts';
import type { Period, RatingDimension, RatingFilter } from '../../projections/queries/filters.ts';
import type { IndicatorScore } from '../../projections/queries/indicators.ts';
import type { InboxItem } from '../../projections/queries/warnings.ts';
import type {
  RatingDrill,
  RatingListItem,
  RatingRollupRow,
  RatingSummary,
} from '../../projections/queries/ratings.ts';

/** One line of the warning inbox (预警待办), exactly as the projections' read model serves it. */
export type WarningInboxItem = InboxItem;

export interface WarningInboxFilter {
  readonly principal: StaffPrincipal;
  readonly scope: AccessScope;
  readonly overdueOnly: boolean;
  readonly limit: number;
}

/** An attachment as the console shows it: the blob key is the content's SHA-256. */
export interface AttachmentView {
  readonly sha256: string;
  readonly mediaType: string;
}

/** A rating behind a number (drill-down), with its attachments' references for thumbnails. */
export type RatingRow = Omit<RatingListItem, 'attachments'> & {
  readonly attachments: readonly AttachmentView[];
};

/** One cell of the weekday × hour heatmap (1 = Monday … 7 = Sunday, hour 0–23, Beijing time). */
export interface HeatmapCell {
  readonly weekday: number;
  readonly hour: number;
  readonly rated: number;
  readonly negative: number;
}

export interface WarningStageRow {
  readonly phase: WarningPhase;
  readonly open: number;
  readonly overdue: number;
}

/** The warning panel of the dashboard: rectification rates and warnings by stage with SLA breaches. */
export interface WarningDashboard {
  readonly negativeReplyRate: Rate;
  readonly callbackRectificationRate: Rate;
  readonly rectificationCompletionRate: Rate;
  readonly onTimeDispatchRate: Rate;
  readonly onTimeReplyRate: Rate;
  readonly byPhase: readonly WarningStageRow[];
}

/** A line of the development SMS outbox: the phone masked, never sealed or plain. */
export interface SmsOutboxItem {
  readonly idempotencyKey: string;
  readonly provider: string;
  readonly purpose: string;
  readonly templateCode: string;
  readonly phoneMasked: string;
  readonly text: string;
  readonly status: string;
  readonly attempts: number;
  readonly createdAt: string;
}

export interface Department {
  readonly code: string;
  /** As the rating subjects name it; null when known only from a warning's routing. */
  readonly name: string | null;
}

/**
 * Which ratings a caller may see: all, one department's, or one staff member's (被评价人员).
 * The route layer derives it from the session; queries apply it whatever the request asked.
 */
export type RatingScope =
  | { readonly kind: 'district' }
  | { readonly kind: 'department'; readonly department: string }
  | { readonly kind: 'staff'; readonly staffId: string };

/** The read side the staff API needs, over the projections' read models (the API never builds read models). */
export interface StaffQueries {
  readonly warningInbox: (filter: WarningInboxFilter) => Promise<readonly WarningInboxItem[]>;
  readonly ratingSummary: (filter: RatingFilter) => Promise<RatingSummary>;
  readonly ratingRollup: (options: {
    filter: RatingFilter;
    by?: RatingDimension;
    period?: Period;
  }) => Promise<readonly RatingRollupRow[]>;
  readonly unratedCases: (filter: RatingFilter) => Promise<Rate>;
  readonly indicatorScores: (filter: RatingFilter) => Promise<readonly IndicatorScore[]>;
  readonly responseFunnel: (options: {
    filter: RatingFilter;
    by: 'channelGroup' | 'channel';
  }) => Promise<readonly FunnelRow[]>;
  readonly heatmap: (filter: RatingFilter) => Promise<readonly HeatmapCell[]>;
  readonly warningDashboard: (filter: RatingFilter) => Promise<WarningDashboard>;
  /** The warnings behind a number of the warning dashboard, every phase, newest first. */
  readonly dashboardWarnings: (options: {
    filter: RatingFilter;
    leadDepartment?: string;
    phase?: WarningInboxItem['phase'];
    overdueOnly: boolean;
    limit: number;
  }) => Promise<readonly WarningInboxItem[]>;
  readonly ratingList: (options: {
    filter: RatingFilter;
    drill: RatingDrill;
    negativeOnly: boolean;
    limit: number;
    offset: number;
  }) => Promise<readonly RatingRow[]>;
  /** True when a rating in scope (and with this id, when given) carries the attachment. */
  readonly ratingHasAttachment: (options: {
    key: string;
    scope: RatingScope;
    ratingId?: string;
  }) => Promise<boolean>;
  readonly smsOutbox: (options: { limit: number; offset: number }) => Promise<readonly SmsOutboxItem[]>;
  readonly departments: () => Promise<readonly Department[]>;
  /** Which of `codes` the read models know as departments (one indexed probe each, not the whole list). */
  readonly knownDepartments: (codes: readonly string[]) => Promise<readonly string[]>;
  /** The monthly bulletin (月度通报) of `month` (YYYY-MM) as .docx and HTML. */
  /** Appraisal scorecards (考核表) and the ratings and warnings behind their numbers. */
  readonly appraisal?: AppraisalQueries;
  readonly monthlyBulletin?: (month: string) => Promise<{ readonly docx: Uint8Array; readonly html: string; readonly fileName: string }>;
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
  /** Sign-in with the government's single sign-on (OIDC); absent when not configured. */
  readonly oidc?: OidcSignIn;
  /** Told about bugs (5xx) only; never given request bodies. */
  readonly log?: (line: string) => void;
}
