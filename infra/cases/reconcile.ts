/**
 * 每日对账 with the case system: for one day (Beijing time), cases completed vs invitations issued
 * for them vs ratings submitted, from the read models, with the cases that got no invitation named
 * (the usual causes: no mobile number on the case, a backfilled case, a reactor that is behind).
 */
import type { Kysely } from 'kysely';
import { sql } from 'kysely';

export interface CaseDayReconciliation {
  readonly day: string;
  readonly completed: number;
  /** Completed that day with at least one invitation issued for the case. */
  readonly invited: number;
  /** Completed that day and rated (any channel, the case's first rating). */
  readonly rated: number;
  /** Invitations issued that day (any trigger: completion, 一事多评 stages, static QR). */
  readonly invitationsIssued: number;
  /** Ratings submitted that day (any case). */
  readonly ratingsSubmitted: number;
  /** Completed cases without an invitation (the first 200, by case id). */
  readonly notInvited: readonly string[];
}

export const reconcileCaseDay = async (db: Kysely<unknown>, day: string): Promise<CaseDayReconciliation> => {
  const { rows } = await sql<Omit<CaseDayReconciliation, 'day' | 'notInvited'>>`
    select
      (select count(*) from app.case_facts where completed_day_key = ${day})::int as completed,
      (select count(*) from app.case_facts c where c.completed_day_key = ${day}
         and exists (select 1 from app.invitation_funnel i where i.case_id = c.case_id))::int as invited,
      (select count(*) from app.case_facts where completed_day_key = ${day} and first_rated_at is not null)::int as rated,
      (select count(*) from app.invitation_funnel where issued_day_key = ${day})::int as "invitationsIssued",
      (select count(*) from app.rating_facts where day_key = ${day})::int as "ratingsSubmitted"`.execute(db);
  const { rows: missing } = await sql<{ case_id: string }>`
    select c.case_id from app.case_facts c where c.completed_day_key = ${day}
      and not exists (select 1 from app.invitation_funnel i where i.case_id = c.case_id)
    order by c.case_id limit 200`.execute(db);
  return { day, ...rows[0]!, notInvited: missing.map((row) => row.case_id) };
};

export const formatCaseDay = (r: CaseDayReconciliation): string =>
  [
    `办件对账 case reconciliation ${r.day}`,
    `办结 completed ${r.completed} · 已邀评 invited ${r.invited} · 已评价 rated ${r.rated}`,
    `当日发出邀评 invitations issued ${r.invitationsIssued} · 当日评价 ratings submitted ${r.ratingsSubmitted}`,
    r.completed === 0
      ? // Not an all-clear: a day without completions is as likely a day the projectors have not reached.
        '当日没有办结的办件;若应有,可能是投影尚未追上(npm run projections -- status 可查滞后) / no case was completed that day; if some were, the projectors may not have caught up (npm run projections -- status shows their lag)'
      : r.invited === r.completed
        ? '每件办结均已邀评 every completed case was invited'
        : `未邀评 not invited (${r.completed - r.invited}): ${r.notInvited.join(', ')}`,
    '',
  ].join('\n');
