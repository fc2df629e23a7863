import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { maskFreeText } from '../../core/pii/mask.ts';

export interface BoardEntry {
  /** A public reference (the warning id is an opaque hash, not personal data). */
  readonly reference: string;
  readonly hall: string | null;
  readonly window: string | null;
  readonly matter: string | null;
  readonly department: string;
  /** What was wrong: the kind of warning and the reason codes of the rating behind it. */
  readonly kind: string;
  readonly reasons: readonly string[];
  /** What was done: the department's reply, with any phone or ID number masked. */
  readonly action: string | null;
  readonly raisedAt: string;
  readonly repliedAt: string | null;
  readonly closedAt: string;
}

/**
 * 整改公示: rectified warnings closed in the period (Beijing days by raise), newest first. Carries no
 * personal data: no rater, no comment, no staff; the reply text is masked as a second guard.
 */
export const publicBoard = async (
  db: Kysely<unknown>,
  options: { readonly from?: string; readonly to?: string; readonly limit?: number } = {},
): Promise<BoardEntry[]> => {
  const { rows } = await sql<{
    warning_id: string;
    hall_name: string | null;
    window_name: string | null;
    matter_name: string | null;
    lead_department: string;
    kind: string;
    reasons: string[] | null;
    last_reply_text: string | null;
    raised_at: string;
    replied_at: string | null;
    closed_at: string;
  }>`
    select w.warning_id, coalesce(r.hall_name, w.hall_code) as hall_name, coalesce(r.window_name, w.window_code) as window_name,
           coalesce(r.matter_name, c.matter_name, w.matter_code) as matter_name, w.lead_department, w.kind, r.reasons, w.last_reply_text,
           to_json(w.raised_at) #>> '{}' as raised_at, to_json(w.last_replied_at) #>> '{}' as replied_at, to_json(w.closed_at) #>> '{}' as closed_at
    from app.warnings w
    left join app.rating_facts r on r.rating_id = w.rating_id
    left join app.case_facts c on c.case_id = w.case_id
    where w.phase = 'closed' and w.outcome = 'rectified'
      ${options.from ? sql`and w.raised_day_key >= ${options.from}` : sql``}
      ${options.to ? sql`and w.raised_day_key <= ${options.to}` : sql``}
    order by w.closed_at desc, w.warning_id
    limit ${Math.min(options.limit ?? 50, 500)}`.execute(db);
  return rows.map((row) => ({
    reference: row.warning_id,
    hall: row.hall_name,
    window: row.window_name,
    matter: row.matter_name,
    department: row.lead_department,
    kind: row.kind,
    reasons: row.reasons ?? [],
    action: row.last_reply_text === null ? null : maskFreeText(row.last_reply_text),
    raisedAt: new Date(row.raised_at).toISOString(),
    repliedAt: row.replied_at === null ? null : new Date(row.replied_at).toISOString(),
    closedAt: new Date(row.closed_at).toISOString(),
  }));
};
