import type { Kysely } from 'kysely';
import { responseFunnel, unratedCases } from '../../../projections/queries/funnel.ts';
import { indicatorScores } from '../../../projections/queries/indicators.ts';
import { weekdayHourHeatmap } from '../../../projections/queries/problems.ts';
import { ratingRollup, ratingSummary } from '../../../projections/queries/ratings.ts';
import { dashboardWarnings, warningDashboard } from '../../../projections/queries/warnings.ts';
import type { StaffQueries } from '../deps.ts';

type DashboardQueries = Pick<
  StaffQueries,
  | 'ratingSummary'
  | 'ratingRollup'
  | 'unratedCases'
  | 'indicatorScores'
  | 'responseFunnel'
  | 'heatmap'
  | 'warningDashboard'
  | 'dashboardWarnings'
>;

/**
 * The dashboard numbers, each a call of a projections query, mapped to exactly what the console
 * draws. The filter that arrives here is already scoped to the caller (routes/dashboard.ts).
 */
export const dashboardQueries = (db: Kysely<unknown>, clock: { now(): Date }): DashboardQueries => ({
  ratingSummary: (filter) => ratingSummary(db, filter),
  ratingRollup: ({ filter, by, period }) =>
    ratingRollup(db, { filter, ...(by ? { by } : {}), ...(period ? { period } : {}) }),
  unratedCases: (filter) => unratedCases(db, filter),
  indicatorScores: (filter) => indicatorScores(db, filter),
  responseFunnel: ({ filter, by }) => responseFunnel(db, { filter, by }),
  async heatmap(filter) {
    const cells = await weekdayHourHeatmap(db, filter);
    return cells.map(({ weekday, hour, rated, negative }) => ({ weekday, hour, rated, negative }));
  },
  dashboardWarnings: ({ filter, leadDepartment, phase, overdueOnly, limit }) =>
    dashboardWarnings(db, { now: clock.now(), filter, ...(leadDepartment ? { leadDepartment } : {}), ...(phase ? { phase } : {}), overdueOnly, limit }),
  async warningDashboard(filter) {
    const dashboard = await warningDashboard(db, { now: clock.now(), filter });
    return {
      negativeReplyRate: dashboard.negativeReplyRate,
      callbackRectificationRate: dashboard.callbackRectificationRate,
      rectificationCompletionRate: dashboard.rectificationCompletionRate,
      onTimeDispatchRate: dashboard.onTimeDispatchRate,
      onTimeReplyRate: dashboard.onTimeReplyRate,
      byPhase: dashboard.byPhase.map(({ phase, open, overdue }) => ({ phase, open, overdue })),
    };
  },
});
