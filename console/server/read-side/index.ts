import type { Kysely } from 'kysely';
import type { StaffQueries } from '../deps.ts';
import { adminQueries } from './admin.ts';
import { dashboardQueries } from './dashboards.ts';
import { inboxQuery } from './inbox.ts';
import { ratingQueries } from './ratings.ts';
import { appraisalQueries } from '../../../projections/appraisal/index.ts';
import { buildMonthlyBulletin } from '../../../projections/bulletin/index.ts';

/** The staff API's read side over the projections' read models (app.* views) and the SMS outbox. */
export const projectionQueries = (db: Kysely<unknown>, clock: { now(): Date }): StaffQueries => ({
  warningInbox: inboxQuery(db, clock),
  ...dashboardQueries(db, clock),
  ...ratingQueries(db),
  ...adminQueries(db),
  appraisal: appraisalQueries(db, clock),
  monthlyBulletin: (month) => buildMonthlyBulletin(db, { month, clock }),
});
