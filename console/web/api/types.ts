/**
 * The shapes the console receives, taken from the code that produces them (type-only imports: none
 * of this reaches the browser bundle), so a change on the server side fails the console's type check.
 */
import type { StaffAction } from '../../../core/access/permissions.ts';
import type { StaffRole } from '../../../core/access/roles.ts';
import type { WarningEvent } from '../../../core/warning/events.ts';
import type { OpenWarning, WarningPhase } from '../../../core/warning/state.ts';
import type { Rate } from '../../../projections/metrics/definitions.ts';
import type { FunnelRow } from '../../../projections/queries/funnel.ts';
import type { IndicatorScore } from '../../../projections/queries/indicators.ts';
import type { RatingListItem, RatingRollupRow, RatingSummary } from '../../../projections/queries/ratings.ts';
import type { WarningInboxItem } from '../../server/deps.ts';

export type { StaffAction, StaffRole, OpenWarning, WarningPhase, Rate, FunnelRow, IndicatorScore, RatingListItem, RatingRollupRow, RatingSummary };
export type { WarningInboxItem, WarningEvent };

/** GET /warnings (routes/warnings.ts). */
export interface WarningInboxPage {
  readonly items: readonly WarningInboxItem[];
}
export type { Evidence, WarningKind, WarningSeverity } from '../../../core/warning/events.ts';
export type { Actor } from '../../../core/eventstore/types.ts';
export type { RatingFilter, RatingDimension, Period } from '../../../projections/queries/filters.ts';
export type { QuestionnaireConfig, Indicator, QuestionnaireVariant, ReasonCode } from '../../../core/questionnaire/types.ts';
export type { WarningRules, WarningRule } from '../../../core/warning-policy/rules.ts';
export type { RoutingTable, RoutingEntry, DepartmentChoice } from '../../../core/warning-policy/routing.ts';

/** GET /session/me and POST /session (routes/session.ts accountView). */
export interface Account {
  readonly id: string;
  readonly username: string;
  readonly displayName: string;
  readonly role: StaffRole;
  readonly roleName: { readonly 'zh-CN': string; readonly en: string };
  readonly department: string | null;
  readonly permissions: readonly StaffAction[];
}

export interface SessionAnswer {
  readonly account: Account;
  readonly csrfToken: string;
  readonly expiresAt?: string;
}

/** One event of GET /warnings/:id (routes/warnings.ts). */
export interface TimelineEvent {
  readonly id: string;
  readonly type: WarningEvent['type'];
  readonly schemaVersion: number;
  readonly streamVersion: number;
  readonly data: Record<string, unknown>;
  readonly actor: { readonly id: string; readonly role: string; readonly department?: string } | null;
  readonly occurredAt: string;
  readonly recordedAt: string;
}

export interface WarningDetail {
  readonly warning: OpenWarning;
  readonly version: number;
  readonly events: readonly TimelineEvent[];
}

/** POST /warnings/:id/<action> (routes/warning-actions.ts). */
export interface ActionAnswer {
  readonly warningId: string;
  readonly alreadyHandled: boolean;
  readonly version: number;
  readonly warning: OpenWarning;
}

/** POST /blobs. */
export interface UploadedBlob {
  readonly key: string;
  readonly sha256: string;
  readonly size: number;
  readonly mediaType: string;
}

/** An attachment the drill-down can show: the blob key is the content's SHA-256. */
export interface AttachmentView {
  readonly sha256: string;
  readonly mediaType: string;
}

/**
 * A rating in a drill-down list. `attachments` is a count in projections/queries/ratings.ts today;
 * the console also accepts the references (requested from the projections engineer) to show thumbnails.
 */
export type RatingRow = Omit<RatingListItem, 'attachments'> & { readonly attachments: number | readonly AttachmentView[] };

/** GET /dashboard/heatmap and GET /dashboard/warnings: the shapes the staff API serves. */
export type { HeatmapCell, WarningDashboard, WarningStageRow } from '../../server/deps.ts';

/** Requested: GET /sms-outbox (development outbox; phone masked, never sealed or plain). */
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

/** Requested: GET /config/calendar. */
export interface CalendarYear {
  readonly year: number;
  readonly source: 'official' | 'loaded' | 'fallback';
  readonly version?: number;
  readonly holidays?: number;
  readonly makeUpWorkdays?: number;
  readonly loadedBy?: string;
  readonly loadedAt?: string;
  readonly document?: string;
}

export interface Versioned<T> {
  readonly version: number;
  readonly value: T;
}
