/**
 * Dashboard reads (console/server/routes/dashboard.ts): each a thin wrapper over a query of
 * projections/queries/ (named beside it), parsing the query string with RatingFilterSchema. Lists
 * answer `{ rows: [...] }`; the warnings behind a number answer `{ items: [...] }` like the inbox.
 */
import { get } from './http.ts';
import type { Query } from './http.ts';
import type {
  FunnelRow,
  HeatmapCell,
  IndicatorScore,
  Period,
  Rate,
  RatingDimension,
  RatingFilter,
  RatingRollupRow,
  RatingRow,
  RatingSummary,
  WarningDashboard,
  WarningInboxItem,
  WarningPhase,
} from './types.ts';

/**
 * The ratings list takes the dashboard filter plus what the charts can be clicked on: a weekday and
 * hour of the heatmap, an indicator of the radar, a level. These extra keys are requested of the API.
 */
export type DrillRatingFilter = RatingFilter & {
  readonly weekday?: number;
  readonly hour?: number;
  readonly indicator?: string;
  readonly level?: number;
  /** The response funnel's ratings: period and channel are the invitation's. */
  readonly invited?: boolean;
  /** The 差评 behind 差评回复率 (by rated department, less those an upheld appeal excludes), each with `replied`. */
  readonly replyRate?: boolean;
};

const q = (filter: DrillRatingFilter, extra: Query = {}): Query => ({ ...filter, ...extra });

/** ratingSummary(db, filter) */
export const fetchRatingSummary = (filter: RatingFilter): Promise<RatingSummary> => get<RatingSummary>('/dashboard/ratings/summary', q(filter));

/** ratingRollup(db, { filter, by, period }) */
export const fetchRollup = async (filter: RatingFilter, options: { by?: RatingDimension; period?: Period }): Promise<RatingRollupRow[]> =>
  (await get<{ rows: RatingRollupRow[] }>('/dashboard/ratings/rollup', q(filter, { by: options.by, period: options.period }))).rows;

/** responseFunnel(db, { filter, by }) */
export const fetchFunnel = async (filter: RatingFilter, by: 'channelGroup' | 'channel'): Promise<FunnelRow[]> =>
  (await get<{ rows: FunnelRow[] }>('/dashboard/funnel', q(filter, { by }))).rows;

/** unratedCases(db, filter) */
export const fetchUnrated = (filter: RatingFilter): Promise<Rate> => get<Rate>('/dashboard/unrated', q(filter));

/** indicatorScores(db, filter) */
export const fetchIndicators = async (filter: RatingFilter): Promise<IndicatorScore[]> =>
  (await get<{ rows: IndicatorScore[] }>('/dashboard/indicators', q(filter))).rows;

/** Not in projections/queries/ yet: ratings by weekday × hour (Beijing time). */
export const fetchHeatmap = async (filter: RatingFilter): Promise<HeatmapCell[]> =>
  (await get<{ rows: HeatmapCell[] }>('/dashboard/heatmap', q(filter))).rows;

/** Not in projections/queries/ yet: warning rates and open/overdue warnings by stage. */
export const fetchWarningDashboard = (filter: RatingFilter): Promise<WarningDashboard> => get<WarningDashboard>('/dashboard/warnings', q(filter));

/** ratingList(db, { filter, negativeOnly, limit, offset }): the ratings behind a number. */
export const fetchRatings = async (filter: DrillRatingFilter, options: { negativeOnly?: boolean; limit?: number; offset?: number } = {}): Promise<RatingRow[]> =>
  (await get<{ rows: RatingRow[] }>('/ratings', q(filter, { negativeOnly: options.negativeOnly, limit: options.limit, offset: options.offset }))).rows;

/** dashboardWarnings(db, …): the warnings behind a number of the warning panel, every phase, newest first. */
export const fetchDashboardWarnings = async (
  filter: RatingFilter,
  options: { readonly lead?: string; readonly phase?: WarningPhase; readonly overdue?: boolean; readonly limit?: number } = {},
): Promise<WarningInboxItem[]> =>
  (await get<{ items: WarningInboxItem[] }>('/dashboard/warnings/list', q(filter, { ...options }))).items;
