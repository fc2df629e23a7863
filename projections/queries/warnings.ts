import type { Kysely, RawBuilder } from 'kysely';
import { sql } from 'kysely';
import * as v from 'valibot';
import type { WarningPhase } from '../../core/warning/state.ts';
import type { Rate } from '../metrics/definitions.ts';
import {
  callbackRectificationRate,
  callbackSatisfactionRate,
  negativeReplyRate,
  onTimeDispatchRate,
  onTimeReplyRate,
  rectificationCompletionRate,
} from '../metrics/definitions.ts';
import type { RatingFilter } from './filters.ts';
import { filterWithin, ratingConditions } from './filters.ts';
import { dayRollups } from './ratings.ts';

/** Roles of DESIGN.md that have a warning inbox. */
export const InboxRoleSchema = v.picklist([
  'dispatcher',
  'department_handler',
  'callback_officer',
  'working_group_lead',
  'auditor',
]);
export type InboxRole = v.InferOutput<typeof InboxRoleSchema>;

export interface InboxItem {
  readonly warningId: string;
  readonly kind: string;
  readonly severity: string;
  readonly phase: WarningPhase;
  readonly round: number;
  readonly leadDepartment: string;
  readonly cooperatingDepartments: readonly string[];
  readonly matterCode: string | null;
  /** The rated service's hall: its window code alone names a window of every hall. */
  readonly hallCode: string | null;
  readonly windowCode: string | null;
  readonly raisedAt: string;
  /** The deadline in force for the phase (派单 1 h / 答复 3 working days / 回访), null when closed. */
  readonly dueAt: string | null;
  readonly overdue: boolean;
  readonly escalation: number;
  readonly appealStatus: string;
  /** The department whose service was rated (the warning's subject), which may differ from the lead. */
  readonly ratedDepartment: string | null;
}

/** The deadline in force, in SQL (mirrors `currentDeadline` in read-models/warnings.ts). */
const dueAt = sql`case phase
  when 'awaiting_dispatch' then dispatch_due_at
  when 'awaiting_reply' then reply_due_at
  when 'awaiting_callback' then least(case when phone_satisfied is null then phone_due_at end, case when on_site_satisfied is null then on_site_due_at end)
  end`;

/** Which warnings a role sees: a department only its own (lead or cooperating) — enforced here, not in the UI. */
const scope = (role: InboxRole, department: string | undefined) => {
  switch (role) {
    case 'dispatcher':
      return sql`phase = 'awaiting_dispatch'`;
    case 'department_handler':
      if (!department) throw new Error('a department handler inbox needs the department');
      // Dispatch (派单) hands a warning to a department: before it, the dispatcher holds it.
      return sql`phase in ('awaiting_reply', 'awaiting_callback') and (lead_department = ${department} or ${department} = any(cooperating_departments))`;
    case 'callback_officer':
      return sql`phase = 'awaiting_callback'`;
    case 'working_group_lead':
    case 'auditor':
      return sql`phase <> 'closed'`;
    default: {
      const _never: never = role;
      return sql`false`;
    }
  }
};

/** Rows of app.warnings as inbox items: `where` picks them, overdue ones first when `urgentFirst`. */
const warningItems = async (
  db: Kysely<unknown>,
  options: { readonly where: RawBuilder<unknown>; readonly now: Date; readonly overdueOnly?: boolean; readonly urgentFirst: boolean; readonly limit?: number },
): Promise<InboxItem[]> => {
  const now = options.now.toISOString();
  const { rows } = await sql<{
    warning_id: string;
    kind: string;
    severity: string;
    phase: WarningPhase;
    round: number;
    lead_department: string;
    cooperating_departments: string[];
    matter_code: string | null;
    hall_code: string | null;
    window_code: string | null;
    raised_at: string;
    due_at: string | null;
    overdue: boolean;
    escalation: number;
    appeal_status: string;
    department_code: string | null;
  }>`
    select * from (
      select warning_id, kind, severity, phase, round, lead_department, cooperating_departments, matter_code, hall_code, window_code,
             to_json(raised_at) #>> '{}' as raised_at, to_json(${dueAt}) #>> '{}' as due_at,
             coalesce(${dueAt} < ${now}::timestamptz, false) as overdue,
             greatest(dispatch_escalation, reply_escalation) as escalation, appeal_status, department_code
      from app.warnings where ${options.where}
    ) w
    ${options.overdueOnly ? sql`where overdue` : sql``}
    order by ${options.urgentFirst ? sql`overdue desc, due_at nulls last, warning_id` : sql`raised_at desc, warning_id`}
    limit ${Math.min(options.limit ?? 100, 1000)}`.execute(db);
  return rows.map((row) => ({
    warningId: row.warning_id,
    kind: row.kind,
    severity: row.severity,
    phase: row.phase,
    round: row.round,
    leadDepartment: row.lead_department,
    cooperatingDepartments: row.cooperating_departments,
    matterCode: row.matter_code,
    hallCode: row.hall_code,
    windowCode: row.window_code,
    raisedAt: new Date(row.raised_at).toISOString(),
    dueAt: row.due_at === null ? null : new Date(row.due_at).toISOString(),
    overdue: row.overdue,
    escalation: row.escalation,
    appealStatus: row.appeal_status,
    ratedDepartment: row.department_code,
  }));
};

/** A role's warning inbox, most urgent first (overdue, then by deadline). */
export const warningInbox = async (
  db: Kysely<unknown>,
  options: {
    readonly role: InboxRole;
    readonly department?: string;
    readonly now: Date;
    readonly overdueOnly?: boolean;
    readonly limit?: number;
  },
): Promise<InboxItem[]> =>
  warningItems(db, {
    where: scope(options.role, options.department),
    now: options.now,
    urgentFirst: true,
    ...(options.overdueOnly !== undefined ? { overdueOnly: options.overdueOnly } : {}),
    ...(options.limit !== undefined ? { limit: options.limit } : {}),
  });

/**
 * A dashboard filter over the warnings: the raise day, the rated service's matter, hall, window and
 * staff member, and the department as the lead department (牵头整改部门). The rectification figures belong to the department
 * that must rectify, as in the appraisal scorecard (scorecards.ts), not to the department whose
 * service was rated: a rating of 市场监管局 citing 等候时间长 (an on-site matter) raises a warning that
 * the government service department leads (the routing table, core/warning-policy/routing.ts).
 */
const warningConditions = (filter: RatingFilter): RawBuilder<unknown> => {
  const { department, ...rest } = filter;
  return sql.join(
    [
      ratingConditions(rest, { dayColumn: 'raised_day_key', only: ['matter', 'hall', 'window', 'staff'] }),
      department === undefined ? sql`true` : sql`lead_department = ${department}`,
    ],
    sql` and `,
  );
};

/**
 * The warnings behind a number of the warning dashboard, in every phase (closed ones too): the
 * dashboard's filter as the rates apply it (`warningConditions`: raise day, lead department, matter,
 * hall, window, staff member), or, for the counts by phase, the lead department; then a phase and the overdue flag.
 * Newest first.
 */
export const dashboardWarnings = async (
  db: Kysely<unknown>,
  options: {
    readonly now: Date;
    readonly filter: RatingFilter;
    readonly leadDepartment?: string;
    readonly phase?: WarningPhase;
    readonly overdueOnly?: boolean;
    readonly limit?: number;
  },
): Promise<InboxItem[]> =>
  warningItems(db, {
    where: sql.join(
      [
        warningConditions(options.filter),
        options.leadDepartment ? sql`lead_department = ${options.leadDepartment}` : sql`true`,
        options.phase ? sql`phase = ${options.phase}` : sql`true`,
      ],
      sql` and `,
    ),
    now: options.now,
    urgentFirst: false,
    ...(options.overdueOnly !== undefined ? { overdueOnly: options.overdueOnly } : {}),
    ...(options.limit !== undefined ? { limit: options.limit } : {}),
  });

export interface PhaseCount {
  readonly phase: WarningPhase;
  readonly open: number;
  /** Past the deadline in force (SLA breach). */
  readonly overdue: number;
}

/** The rows that can still be late (not dispatched, or not closed): few, and indexed (warnings_may_be_late). */
const mayBeLate = sql`(dispatched_at is null or phase <> 'closed')`;

/**
 * Warnings by phase with SLA breaches, optionally for one lead department: the counts from the day
 * roll-up, the breaches from the open warnings.
 */
export const warningsByPhase = async (
  db: Kysely<unknown>,
  options: { readonly now: Date; readonly department?: string },
): Promise<PhaseCount[]> => {
  const lead = options.department ? sql`and lead_department = ${options.department}` : sql``;
  const { rows } = await sql<PhaseCount>`
    select counts.phase, counts.open, coalesce(late.overdue, 0)::int as overdue
    from (
      select phase, sum(raised)::int as open from app.warnings_by_day where true ${lead}
      group by phase having sum(raised) > 0
    ) counts
    left join (
      select phase, count(*) filter (where ${dueAt} < ${options.now.toISOString()}::timestamptz)::int as overdue
      from app.warnings where phase <> 'closed' ${lead}
      group by phase
    ) late on late.phase = counts.phase
    order by counts.phase`.execute(db);
  return rows;
};

export interface Distribution {
  /** How many durations the distribution is made of. */
  readonly count: number;
  /** Minutes at the 50th / 90th percentile, null when count is 0. */
  readonly p50Minutes: number | null;
  readonly p90Minutes: number | null;
  /** Upper bounds in minutes; the last bucket is open-ended (null). */
  readonly buckets: readonly { readonly upToMinutes: number | null; readonly count: number }[];
}

const bucketBounds = {
  dispatch: [15, 30, 60, 120, 240, 1440],
  reply: [240, 1440, 2880, 4320, 7200, 10080],
} as const;

/**
 * Time-to-dispatch (raised → dispatched) or time-to-reply (dispatched → first reply) for warnings
 * raised in the filter's days (a department: those it leads), in wall-clock minutes (the SLA itself
 * counts working days).
 */
export const timeDistribution = async (
  db: Kysely<unknown>,
  options: { readonly measure: 'dispatch' | 'reply'; readonly filter?: RatingFilter },
): Promise<Distribution> => {
  const minutes =
    options.measure === 'dispatch'
      ? sql`extract(epoch from (dispatched_at - raised_at)) / 60`
      : sql`extract(epoch from (first_replied_at - dispatched_at)) / 60`;
  const present =
    options.measure === 'dispatch'
      ? sql`dispatched_at is not null`
      : sql`first_replied_at is not null and dispatched_at is not null`;
  const bounds = bucketBounds[options.measure];
  const { rows } = await sql<{ minutes: number }>`
    select (${minutes})::float8 as minutes from app.warnings
    where ${present} and ${warningConditions(options.filter ?? {})}
    order by 1`.execute(db);
  const values = rows.map((row) => Number(row.minutes));
  const percentile = (p: number) =>
    values.length === 0 ? null : values[Math.min(values.length - 1, Math.ceil(p * values.length) - 1)]!;
  const buckets = [...bounds, null].map((upTo, index) => {
    const lower = index === 0 ? -Infinity : bounds[index - 1]!;
    return {
      upToMinutes: upTo,
      count: values.filter((m) => m > lower && (upTo === null || m <= upTo)).length,
    };
  });
  return { count: values.length, p50Minutes: percentile(0.5), p90Minutes: percentile(0.9), buckets };
};

export interface RectificationRates {
  /** 差评回复率: the rated department's 差评 (a department filter selects the rated department). */
  readonly negativeReplyRate: Rate;
  /** The warnings' rates: a department filter selects the lead department (牵头整改部门). */
  readonly callbackRectificationRate: Rate;
  readonly callbackSatisfactionRate: Rate;
  readonly rectificationCompletionRate: Rate;
  readonly onTimeDispatchRate: Rate;
  readonly onTimeReplyRate: Rate;
}

/**
 * The rectification rates of warnings raised in the filter's days, a department's being those it
 * leads (`warningConditions`); and 差评回复率 of the 差评 rated in those days, a department's being
 * those about its own service. Warnings closed by an upheld appeal (申诉成立) leave every
 * denominator, and so do the 差评 such an appeal excludes, answered or not.
 */
export const rectificationRates = async (
  db: Kysely<unknown>,
  options: { readonly now: Date; readonly filter?: RatingFilter },
): Promise<RectificationRates> => {
  const filter = options.filter ?? {};
  const now = options.now.toISOString();
  const where = warningConditions(filter);
  // The day roll-up's counts (read-models/warnings-by-day.ts), and what the clock adds: the deadlines
  // passed with nothing done yet, counted from the warnings that can still be late.
  const warningCounts = sql<{
    warnings: number;
    verified: number;
    rectified: number;
    callbacks: number;
    satisfied: number;
    dispatched: number;
    dispatch_on_time: number;
    replies: number;
    reply_on_time: number;
  }>`
    select coalesce(sum(counted), 0)::int as warnings, coalesce(sum(verified), 0)::int as verified,
           coalesce(sum(rectified), 0)::int as rectified, coalesce(sum(callbacks), 0)::int as callbacks,
           coalesce(sum(callbacks_satisfied), 0)::int as satisfied, coalesce(sum(dispatched), 0)::int as dispatched,
           coalesce(sum(dispatched_on_time), 0)::int as dispatch_on_time, coalesce(sum(replies), 0)::int as replies,
           coalesce(sum(replies_on_time), 0)::int as reply_on_time
    from app.warnings_by_day where ${where}`.execute(db);
  const lateCounts = sql<{ dispatch_late: number; reply_late: number }>`
    select count(*) filter (where dispatched_at is null and dispatch_due_at < ${now}::timestamptz)::int as dispatch_late,
           count(*) filter (where phase = 'awaiting_reply' and reply_due_at < ${now}::timestamptz)::int as reply_late
    from app.warnings
    where ${mayBeLate} and appeal_status <> 'upheld' and coalesce(outcome, '') <> 'appeal_upheld' and ${where}`.execute(db);
  // 差评回复率 from the ratings projection, which counts 差评 and answered 差评 in its level roll-ups
  // (read-models/rating-replies.ts); a filter that no roll-up has counts the facts.
  const rollup = dayRollups.find((candidate) => filterWithin(filter, candidate.dimensions));
  const answered = sql`exists (select 1 from app.rating_replies rr where rr.rating_id = r.rating_id)`;
  // The 差评 an upheld appeal excludes (warning_ratings.rating_excluded, kept by the same projection)
  // leave both counts: a handful, read from the warnings that name them (a partial index). One
  // statement, so one snapshot: read apart, a batch committed in between could leave more excluded
  // than counted, and the rate would refuse its counts (a 500).
  const excluded = sql`select count(*)::int as negative, count(*) filter (where ${answered})::int as replied
    from app.rating_facts r
    where r.rating_id in (select rating_id from app.warning_ratings where rating_excluded and rating_id is not null)
      and r.negative and ${ratingConditions(filter, { alias: 'r' })}`;
  const negativeCounts = rollup
    ? sql<{ negative: number; replied: number }>`
        select (n.negative - x.negative)::int as negative, (n.replied - x.replied)::int as replied
        from (select coalesce(sum(negative), 0)::int as negative, coalesce(sum(replied), 0)::int as replied
              from ${sql.table(`app.${rollup.table}`)} where ${ratingConditions(filter)}) n,
             (${excluded}) x`.execute(db)
    : sql<{ negative: number; replied: number }>`
        select (n.negative - x.negative)::int as negative, (n.replied - x.replied)::int as replied
        from (select count(*)::int as negative,
                     -- A probe per 差评 (a staff member's year: a few hundred), not a pass over every answered one.
                     count(*) filter (where ${answered})::int as replied
              from app.rating_facts r
              where r.negative and ${ratingConditions(filter, { alias: 'r' })}) n,
             (${excluded}) x`.execute(db);
  // Independent reads, sent at once: on a server pool they run side by side.
  const [{ rows: warningRows }, { rows: lateRows }, { rows: negativeRows }] = await Promise.all([warningCounts, lateCounts, negativeCounts]);
  const w = warningRows[0]!;
  const late = lateRows[0]!;
  const n = negativeRows[0]!;
  return {
    negativeReplyRate: negativeReplyRate.compute({ negativeRatings: n.negative, replied: n.replied }),
    callbackRectificationRate: callbackRectificationRate.compute({
      warnings: w.warnings,
      verified: w.verified,
    }),
    callbackSatisfactionRate: callbackSatisfactionRate.compute({
      callbacks: w.callbacks,
      satisfied: w.satisfied,
    }),
    rectificationCompletionRate: rectificationCompletionRate.compute({
      warnings: w.warnings,
      rectified: w.rectified,
    }),
    onTimeDispatchRate: onTimeDispatchRate.compute({ due: w.dispatched + late.dispatch_late, onTime: w.dispatch_on_time }),
    onTimeReplyRate: onTimeReplyRate.compute({ due: w.replies + late.reply_late, onTime: w.reply_on_time }),
  };
};

export interface WarningDashboard extends RectificationRates {
  readonly byPhase: readonly PhaseCount[];
}

/** The warning panel of the dashboard: the rates and the warnings by phase with SLA breaches. */
export const warningDashboard = async (
  db: Kysely<unknown>,
  options: { readonly now: Date; readonly filter?: RatingFilter },
): Promise<WarningDashboard> => {
  const [rates, byPhase] = await Promise.all([
    rectificationRates(db, options),
    warningsByPhase(db, {
      now: options.now,
      ...(options.filter?.department ? { department: options.filter.department } : {}),
    }),
  ]);
  return { ...rates, byPhase };
};
