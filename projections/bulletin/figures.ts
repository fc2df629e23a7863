/**
 * The figures of a monthly bulletin (月度通报), read through the dashboard queries so the document
 * says exactly what the console shows. Every rate keeps the counts behind it.
 */
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import * as v from 'valibot';
import { defaultQuestionnaireConfig } from '../../core/questionnaire/default-config.ts';
import type { Rate } from '../metrics/definitions.ts';
import { RANKING_MIN_RATINGS, rate } from '../metrics/definitions.ts';
import { keySql, ratingDimensions } from '../queries/filters.ts';
import type { FunnelRow } from '../queries/funnel.ts';
import { responseFunnel, unratedCases } from '../queries/funnel.ts';
import type { RecurringProblem } from '../queries/problems.ts';
import { recurringProblems } from '../queries/problems.ts';
import type { RatingSummary } from '../queries/ratings.ts';
import { ratingRollup, ratingSummary, summarise } from '../queries/ratings.ts';
import type { RectificationRates } from '../queries/warnings.ts';
import { rectificationRates } from '../queries/warnings.ts';

export const BulletinMonthSchema = v.pipe(
  v.string(),
  // Years 1900–2999: the database refuses year 0000 as a time.
  v.regex(/^(19\d\d|2\d{3})-(0[1-9]|1[0-2])$/, 'a month as YYYY-MM'),
);

/** The first and last Beijing-time days of a month 'YYYY-MM', and every day in between. */
export const monthDays = (month: string): { from: string; to: string; days: string[] } => {
  const [year, m] = v.parse(BulletinMonthSchema, month).split('-').map(Number) as [number, number];
  const count = new Date(Date.UTC(year, m, 0)).getUTCDate();
  const days = Array.from({ length: count }, (_, i) => `${month}-${String(i + 1).padStart(2, '0')}`);
  return { from: days[0]!, to: days[count - 1]!, days };
};

/**
 * A department of the bulletin's table: one rated in the month, or one that leads (牵头整改) warnings
 * raised in it without being rated (the government service department leads the on-site ones).
 */
export interface DepartmentFigures {
  readonly code: string;
  readonly name: string;
  /** Its own ratings (empty for a department that only leads warnings). */
  readonly summary: RatingSummary;
  readonly negativeCount: number;
  /** 差评回复率 of the 差评 about its own service. */
  readonly negativeReplyRate: Rate;
  /** 整改完成率 of the warnings it leads, whoever's service was rated (as in the appraisal). */
  readonly rectificationCompletionRate: Rate;
}

export interface WindowFigures {
  readonly code: string;
  readonly name: string;
  /** Window names repeat across halls (每个大厅都有 1号窗口): the hall and department tell them apart. */
  readonly hall: string;
  readonly department: string;
  readonly summary: RatingSummary;
  /** 1…n among the windows with enough ratings to rank; null below `windowMinSample` (样本不足). */
  readonly rank: number | null;
}

export interface WarningFigures extends RectificationRates {
  /** Warnings raised in the month (预警数), all kinds. */
  readonly raised: number;
  readonly dispatched: number;
  readonly closed: number;
  /** Not closed at the time of the bulletin, and of those, past the deadline in force. */
  readonly open: number;
  readonly overdue: number;
  /** Closed by an upheld appeal (申诉成立): left out of every rate. */
  readonly appealUpheld: number;
}

export interface DailyFigures {
  readonly day: string;
  readonly rated: number;
  readonly negativeRate: Rate;
}

export interface RecurringFigures extends RecurringProblem {
  /** The reason's text (等候时间长) rather than its code. */
  readonly reasonText: string;
}

export interface BulletinFigures {
  readonly month: string;
  readonly from: string;
  readonly to: string;
  /** When the figures were read (the bulletin's clock): open/overdue counts are as of this instant. */
  readonly asOf: string;
  readonly overall: RatingSummary;
  /** 未评率: completed cases of the month without a rating. */
  readonly unrated: Rate;
  /** 回收率 per channel group (线上 online / 线下 offline). */
  readonly funnel: readonly FunnelRow[];
  readonly previousMonth: { readonly month: string; readonly summary: RatingSummary };
  readonly daily: readonly DailyFigures[];
  readonly departments: readonly DepartmentFigures[];
  /** Windows with ratings: ranked ones by 好评率 (ties: more ratings first), then those below the minimum sample. */
  readonly windows: readonly WindowFigures[];
  readonly warnings: WarningFigures;
  readonly recurring: readonly RecurringFigures[];
  /** The fewest ratings a window needs to be ranked: 100% of 1 rating is no ranking. */
  readonly windowMinSample: number;
}

export interface FigureOptions {
  readonly month: string;
  readonly now: Date;
  /** 反复性问题: the same reason at the same matter and window at least this many times in the month. */
  readonly recurringThreshold?: number;
  /** 窗口排名: windows with fewer ratings are listed after the ranking, unranked (default 5). */
  readonly windowMinSample?: number;
}

const previousMonthOf = (month: string): string => {
  const [year, m] = month.split('-').map(Number) as [number, number];
  const d = new Date(Date.UTC(year, m - 2, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
};

/** Mirrors the deadline in force of `warningInbox` (queries/warnings.ts) to count open warnings past it. */
const overdueCondition = (now: string) => sql`(case phase
  when 'awaiting_dispatch' then dispatch_due_at
  when 'awaiting_reply' then reply_due_at
  when 'awaiting_callback' then least(case when phone_satisfied is null then phone_due_at end, case when on_site_satisfied is null then on_site_due_at end)
  end) < ${now}::timestamptz`;

const warningCounts = async (db: Kysely<unknown>, from: string, to: string, now: Date) => {
  const { rows } = await sql<{
    raised: number;
    dispatched: number;
    closed: number;
    open: number;
    overdue: number;
    appeal_upheld: number;
  }>`
    select count(*)::int as raised,
           count(*) filter (where dispatched_at is not null)::int as dispatched,
           count(*) filter (where phase = 'closed')::int as closed,
           count(*) filter (where phase <> 'closed')::int as open,
           count(*) filter (where phase <> 'closed' and ${overdueCondition(now.toISOString())})::int as overdue,
           count(*) filter (where appeal_status = 'upheld' or outcome = 'appeal_upheld')::int as appeal_upheld
    from app.warnings where raised_day_key between ${from} and ${to}`.execute(db);
  return rows[0]!;
};

/** The lead departments (牵头整改部门) of the warnings raised in the month, by code. */
const leadDepartments = async (db: Kysely<unknown>, from: string, to: string): Promise<string[]> => {
  const { rows } = await sql<{ lead_department: string }>`
    select distinct lead_department from app.warnings_by_day
    where raised_day_key between ${from} and ${to} and raised > 0 order by 1`.execute(db);
  return rows.map((row) => row.lead_department);
};

/**
 * Display names of departments that were rated at some time (the warnings carry codes only); a
 * department never rated keeps its code.
 */
const departmentNames = async (db: Kysely<unknown>, codes: readonly string[]): Promise<Map<string, string>> => {
  if (codes.length === 0) return new Map();
  const { rows } = await sql<{ code: string; name: string }>`
    select department_code as code, max(department_name) as name from app.ratings_by_day_channel
    where department_code in (${sql.join(codes)}) group by 1`.execute(db);
  return new Map(rows.map((row) => [row.code, row.name]));
};

/** Each window rated in the month: its own name, hall and department, by its key ('H-SMZJ/W07', as the rollup by window gives it). */
const windowPlaces = async (db: Kysely<unknown>, from: string, to: string) => {
  const { rows } = await sql<{ key: string; name: string; hall: string; department: string }>`
    select ${keySql(ratingDimensions.window.key)} as key, max(window_name) as name, max(hall_name) as hall,
           max(department_name) as department
    from app.rating_facts where day_key between ${from} and ${to} group by 1`.execute(db);
  return new Map(rows.map((row) => [row.key, row]));
};

const reasonText = (code: string): string =>
  defaultQuestionnaireConfig.reasons.find((r) => r.code === code)?.text['zh-CN'] ?? code;

export const bulletinFigures = async (db: Kysely<unknown>, options: FigureOptions): Promise<BulletinFigures> => {
  const { from, to, days } = monthDays(options.month);
  const filter = { from, to };
  const previous = previousMonthOf(options.month);
  const previousDays = monthDays(previous);

  const overall = await ratingSummary(db, filter);
  const unrated = await unratedCases(db, filter);
  const funnel = await responseFunnel(db, { filter, by: 'channelGroup' });

  const byDay = new Map((await ratingRollup(db, { filter, period: 'day' })).map((row) => [row.period, row]));
  const daily = days.map((day) => {
    const row = byDay.get(day);
    return { day, rated: row?.rated ?? 0, negativeRate: row?.negativeRate ?? rate(0, 0) };
  });

  // The rated departments (most ratings first), then those that only lead warnings of the month.
  const rated = (await ratingRollup(db, { filter, by: 'department' })).map((row) => ({ code: row.key ?? '', name: row.label, summary: row as RatingSummary }));
  const ratedCodes = new Set(rated.map((d) => d.code));
  const leading = (await leadDepartments(db, from, to)).filter((code) => !ratedCodes.has(code));
  const names = await departmentNames(db, leading);
  const noRatings = summarise({ 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 });
  const departments: DepartmentFigures[] = [];
  for (const d of [...rated, ...leading.map((code) => ({ code, name: names.get(code) ?? null, summary: noRatings }))]) {
    // One department filter: 差评回复率 of its rated 差评, the warnings' rates of those it leads.
    const rates = await rectificationRates(db, { now: options.now, filter: { ...filter, department: d.code } });
    departments.push({
      code: d.code,
      name: d.name ?? d.code,
      summary: d.summary,
      negativeCount: d.summary.negativeRate.numerator,
      negativeReplyRate: rates.negativeReplyRate,
      rectificationCompletionRate: rates.rectificationCompletionRate,
    });
  }

  const windowMinSample = options.windowMinSample ?? RANKING_MIN_RATINGS;
  const places = await windowPlaces(db, from, to);
  const byRate = (a: { code: string; summary: RatingSummary }, b: { code: string; summary: RatingSummary }) =>
    (b.summary.goodRate.value ?? -1) - (a.summary.goodRate.value ?? -1) ||
    b.summary.rated - a.summary.rated ||
    a.code.localeCompare(b.code);
  const windowRows = (await ratingRollup(db, { filter, by: 'window' })).map((row) => {
    const place = places.get(row.key ?? '');
    return {
      code: row.key ?? '',
      // The table has a column for the hall: the window's own name here, not the rollup's label.
      name: place?.name ?? row.label ?? row.key ?? '',
      hall: place?.hall ?? '',
      department: place?.department ?? '',
      summary: row as RatingSummary,
    };
  });
  const ranked = windowRows.filter((w) => w.summary.rated >= windowMinSample).sort(byRate);
  const unranked = windowRows.filter((w) => w.summary.rated < windowMinSample).sort(byRate);
  const windows: WindowFigures[] = [
    ...ranked.map((w, index) => ({ ...w, rank: index + 1 })),
    ...unranked.map((w) => ({ ...w, rank: null })),
  ];

  const counts = await warningCounts(db, from, to, options.now);
  const rates = await rectificationRates(db, { now: options.now, filter });

  const recurring = (
    await recurringProblems(db, { asOf: to, days: days.length, threshold: options.recurringThreshold ?? 3 })
  ).map((problem) => ({ ...problem, reasonText: reasonText(problem.reason) }));

  return {
    month: options.month,
    from,
    to,
    asOf: options.now.toISOString(),
    overall,
    unrated,
    funnel,
    previousMonth: {
      month: previous,
      summary: await ratingSummary(db, { from: previousDays.from, to: previousDays.to }),
    },
    daily,
    departments,
    windows,
    warnings: {
      ...rates,
      raised: counts.raised,
      dispatched: counts.dispatched,
      closed: counts.closed,
      open: counts.open,
      overdue: counts.overdue,
      appealUpheld: counts.appeal_upheld,
    },
    recurring,
    windowMinSample,
  };
};
