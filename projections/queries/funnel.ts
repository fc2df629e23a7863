import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { Rate } from '../metrics/definitions.ts';
import { responseRate, unratedRate } from '../metrics/definitions.ts';
import type { RatingFilter } from './filters.ts';
import { filterWithin, ratingConditions } from './filters.ts';

export interface FunnelRow {
  /** 'online' / 'offline', or the channel ('sms', 'qr_case', 'qr_static'). */
  readonly channel: string;
  readonly invited: number;
  readonly opened: number;
  readonly submitted: number;
  /** Expired without a rating: 未评. */
  readonly expired: number;
  /** 回收率 = submitted ÷ opened. */
  readonly responseRate: Rate;
}

/**
 * The response funnel per channel group (线上 / 线下) or per channel: invited → opened → submitted,
 * by the invitation's issue day. A submission without a recorded open counts as opened.
 */
export const responseFunnel = async (
  db: Kysely<unknown>,
  options: { readonly filter?: RatingFilter; readonly by?: 'channelGroup' | 'channel' } = {},
): Promise<FunnelRow[]> => {
  const column = sql.ref(options.by === 'channel' ? 'channel' : 'channel_group');
  const filter = options.filter ?? {};
  type Row = { channel: string; invited: number; opened: number; submitted: number; expired: number };
  const applied = ['department', 'matter', 'hall', 'window', 'channel', 'channelGroup'] as const;
  // The funnel rollup has the department and the channel: without a place filter it sums that instead.
  const { rows } = filterWithin(filter, ['department', 'channel', 'channelGroup'], applied)
    ? await sql<Row>`
        select ${column} as channel, sum(invited)::int as invited, sum(opened)::int as opened,
               sum(submitted)::int as submitted, sum(expired)::int as expired
        from app.funnel_by_day
        where ${ratingConditions(filter, { dayColumn: 'issued_day_key', only: ['department', 'channel', 'channelGroup'] })}
        group by 1 order by 1`.execute(db)
    : await sql<Row>`
        select ${column} as channel, count(*)::int as invited,
               count(*) filter (where opened_at is not null or submitted_at is not null)::int as opened,
               count(*) filter (where submitted_at is not null)::int as submitted,
               count(*) filter (where expired_at is not null and submitted_at is null)::int as expired
        from app.invitation_funnel
        where issued_at is not null
          and ${ratingConditions(filter, { dayColumn: 'issued_day_key', only: applied })}
        group by 1 order by 1`.execute(db);
  return rows.map((row) => ({
    ...row,
    responseRate: responseRate.compute({ opened: row.opened, submitted: row.submitted }),
  }));
};

/** 未评率 over the cases completed in the period (by completion day): unrated completed ÷ completed. */
export const unratedCases = async (db: Kysely<unknown>, filter: RatingFilter = {}): Promise<Rate> => {
  const applied = ['department', 'matter', 'hall', 'window', 'staff', 'applicantType'] as const;
  // The case rollup has the department: without another filter it sums that instead.
  const { rows } = filterWithin(filter, ['department'], applied)
    ? await sql<{ completed: number; rated: number }>`
        select coalesce(sum(completed), 0)::int as completed, coalesce(sum(rated), 0)::int as rated
        from app.cases_by_day
        where ${ratingConditions(filter, { dayColumn: 'completed_day_key', only: ['department'] })}`.execute(db)
    : await sql<{ completed: number; rated: number }>`
        select count(*)::int as completed, count(*) filter (where first_rated_at is not null)::int as rated
        from app.case_facts
        where completed_at is not null
          and ${ratingConditions(filter, { dayColumn: 'completed_day_key', only: applied })}`.execute(db);
  const row = rows[0] ?? { completed: 0, rated: 0 };
  return unratedRate.compute({ completedCases: row.completed, ratedCases: row.rated });
};
