import type { Kysely, RawBuilder } from 'kysely';
import { sql } from 'kysely';
import type { Merge } from '../runtime/upsert.ts';
import { greatest, keepFirst, upsertJsonRows } from '../runtime/upsert.ts';
import type { FinishStep } from '../runtime/types.ts';
import type { NewCaseFact } from './case-facts.ts';
import type { NewIndicatorAnswer } from './indicator-answers.ts';
import type { NewFunnelRow } from './invitation-funnel.ts';
import type { NewRatingFact } from './rating-facts.ts';
import { ratingRepliesFromWarnings } from './rating-replies.ts';

/**
 * 日汇总 (app.ratings_by_day_channel, …): counts per Beijing day and a few dimensions, so that the
 * dashboard answers a district or a department over a month, a quarter or a year by summing a few
 * thousand rows instead of counting millions of facts. Each rollup is the exact sum of its facts:
 * the projection adds what a batch changed (ratings inserted for the first time; for the funnel and
 * the cases, the row after the batch minus the row before it), in the same transaction as the facts.
 * A query uses a rollup only when every filter it applies is a column of that rollup, else the facts.
 */
export interface RatingsByDayChannelTable {
  day_key: string;
  department_code: string;
  channel: string;
  week_key: string;
  month_key: string;
  channel_group: string;
  department_name: string;
  l1: number;
  l2: number;
  l3: number;
  l4: number;
  l5: number;
  /** 差评 (the rating's own flag: a low level, or a reason that raises a warning by itself). */
  negative: number;
  /**
   * 差评 that a warning has answered (rating-replies.ts), for 差评回复率; the query leaves out of both
   * counts the 差评 an upheld appeal excludes (warning_ratings.rating_excluded, queries/warnings.ts).
   */
  replied: number;
}

export interface RatingsByDayPlaceTable {
  day_key: string;
  department_code: string;
  matter_code: string;
  hall_code: string;
  window_code: string;
  week_key: string;
  month_key: string;
  department_name: string;
  matter_name: string;
  hall_name: string;
  window_name: string;
  l1: number;
  l2: number;
  l3: number;
  l4: number;
  l5: number;
  /** 差评 (the rating's own flag: a low level, or a reason that raises a warning by itself). */
  negative: number;
  /**
   * 差评 that a warning has answered (rating-replies.ts), for 差评回复率; the query leaves out of both
   * counts the 差评 an upheld appeal excludes (warning_ratings.rating_excluded, queries/warnings.ts).
   */
  replied: number;
}

/** The matter ranking and matter trend of one channel (线上 / 线下), e.g. the online channel's worst matters. */
export interface RatingsByDayMatterChannelTable {
  day_key: string;
  department_code: string;
  matter_code: string;
  channel: string;
  week_key: string;
  month_key: string;
  channel_group: string;
  department_name: string;
  matter_name: string;
  l1: number;
  l2: number;
  l3: number;
  l4: number;
  l5: number;
  /** 差评 (the rating's own flag: a low level, or a reason that raises a warning by itself). */
  negative: number;
  /**
   * 差评 that a warning has answered (rating-replies.ts), for 差评回复率; the query leaves out of both
   * counts the 差评 an upheld appeal excludes (warning_ratings.rating_excluded, queries/warnings.ts).
   */
  replied: number;
}

export interface RatingsByDayHourTable {
  day_key: string;
  department_code: string;
  hour: number;
  weekday: number;
  rated: number;
  negative: number;
}

/** The weekday × hour heatmap of one channel. */
export interface RatingsByDayHourChannelTable extends RatingsByDayHourTable {
  channel: string;
  channel_group: string;
}

export interface IndicatorsByDayTable {
  day_key: string;
  department_code: string;
  code: string;
  category: string;
  answers: number;
  level_sum: number;
  good: number;
}

/** The 12 indicators of one channel. */
export interface IndicatorsByDayChannelTable extends IndicatorsByDayTable {
  channel: string;
  channel_group: string;
}

/** The 12 indicators of one staff member (the ratings that name one). */
export interface IndicatorsByDayStaffTable extends IndicatorsByDayTable {
  staff_id: string;
}

export interface FunnelByDayTable {
  issued_day_key: string;
  /** '' when the invitation named no department (a filter never asks for ''). */
  department_code: string;
  channel: string;
  channel_group: string;
  invited: number;
  opened: number;
  submitted: number;
  expired: number;
}

export interface CasesByDayTable {
  completed_day_key: string;
  /** '' when the case system never reported the department. */
  department_code: string;
  completed: number;
  rated: number;
}

export interface RollupTables {
  ratings_by_day_channel: RatingsByDayChannelTable;
  ratings_by_day_place: RatingsByDayPlaceTable;
  ratings_by_day_hour: RatingsByDayHourTable;
  indicators_by_day: IndicatorsByDayTable;
  ratings_by_day_matter_channel: RatingsByDayMatterChannelTable;
  ratings_by_day_hour_channel: RatingsByDayHourChannelTable;
  indicators_by_day_channel: IndicatorsByDayChannelTable;
  indicators_by_day_staff: IndicatorsByDayStaffTable;
  funnel_by_day: FunnelByDayTable;
  cases_by_day: CasesByDayTable;
}

export const rollupTables = [
  'ratings_by_day_channel',
  'ratings_by_day_place',
  'ratings_by_day_hour',
  'indicators_by_day',
  'funnel_by_day',
  'cases_by_day',
  'ratings_by_day_matter_channel',
  'ratings_by_day_hour_channel',
  'indicators_by_day_channel',
  'indicators_by_day_staff',
] as const satisfies readonly (keyof RollupTables)[];

interface Spec {
  readonly key: readonly string[];
  /** Columns that follow from the key (a day's week, a channel's group): the first value stays. */
  readonly fixed: readonly string[];
  /** Display names: the greatest seen, as the facts' `max(name)` reads. */
  readonly labels: readonly string[];
  readonly counts: readonly string[];
}

const LEVELS = ['l1', 'l2', 'l3', 'l4', 'l5'];
const RATING_COUNTS = [...LEVELS, 'negative', 'replied'];
const specs: Record<keyof RollupTables, Spec> = {
  ratings_by_day_channel: {
    key: ['day_key', 'department_code', 'channel'],
    fixed: ['week_key', 'month_key', 'channel_group'],
    labels: ['department_name'],
    counts: RATING_COUNTS,
  },
  ratings_by_day_place: {
    key: ['day_key', 'department_code', 'matter_code', 'hall_code', 'window_code'],
    fixed: ['week_key', 'month_key'],
    labels: ['department_name', 'matter_name', 'hall_name', 'window_name'],
    counts: RATING_COUNTS,
  },
  ratings_by_day_hour: { key: ['day_key', 'department_code', 'hour'], fixed: ['weekday'], labels: [], counts: ['rated', 'negative'] },
  indicators_by_day: {
    key: ['day_key', 'department_code', 'code'],
    fixed: ['category'],
    labels: [],
    counts: ['answers', 'level_sum', 'good'],
  },
  funnel_by_day: {
    key: ['issued_day_key', 'department_code', 'channel'],
    fixed: ['channel_group'],
    labels: [],
    counts: ['invited', 'opened', 'submitted', 'expired'],
  },
  cases_by_day: { key: ['completed_day_key', 'department_code'], fixed: [], labels: [], counts: ['completed', 'rated'] },
  ratings_by_day_matter_channel: {
    key: ['day_key', 'department_code', 'matter_code', 'channel'],
    fixed: ['week_key', 'month_key', 'channel_group'],
    labels: ['department_name', 'matter_name'],
    counts: RATING_COUNTS,
  },
  ratings_by_day_hour_channel: {
    key: ['day_key', 'department_code', 'hour', 'channel'],
    fixed: ['weekday', 'channel_group'],
    labels: [],
    counts: ['rated', 'negative'],
  },
  indicators_by_day_channel: {
    key: ['day_key', 'department_code', 'code', 'channel'],
    fixed: ['category', 'channel_group'],
    labels: [],
    counts: ['answers', 'level_sum', 'good'],
  },
  indicators_by_day_staff: {
    key: ['day_key', 'department_code', 'staff_id', 'code'],
    fixed: ['category'],
    labels: [],
    counts: ['answers', 'level_sum', 'good'],
  },
};

type Draft = Record<string, string | number>;

/** Sums contributions per rollup row in memory (a row is written once per batch). */
class Accumulator {
  private readonly rows = new Map<keyof RollupTables, Map<string, Draft>>();

  add(table: keyof RollupTables, row: Draft, sign = 1): void {
    const spec = specs[table];
    const id = spec.key.map((column) => row[column]).join('\u0000');
    const byKey = this.rows.get(table) ?? new Map<string, Draft>();
    this.rows.set(table, byKey);
    const existing = byKey.get(id);
    if (!existing) {
      byKey.set(id, { ...row, ...Object.fromEntries(spec.counts.map((c) => [c, sign * Number(row[c] ?? 0)])) });
      return;
    }
    for (const column of spec.counts) existing[column] = Number(existing[column]) + sign * Number(row[column] ?? 0);
    for (const column of spec.labels)
      if (String(row[column]) > String(existing[column])) existing[column] = row[column]!;
  }

  async write(trx: Kysely<unknown>): Promise<void> {
    const add: Merge = (existing, incoming) => sql`${existing} + ${incoming}`;
    for (const table of rollupTables) {
      const spec = specs[table];
      const rows = [...(this.rows.get(table)?.values() ?? [])]
        .filter((row) => spec.counts.some((column) => row[column] !== 0))
        // A fixed order of keys: two writers of one rollup never wait on each other in a cycle.
        .sort((a, b) => (spec.key.map((c) => a[c]).join('\u0000') < spec.key.map((c) => b[c]).join('\u0000') ? -1 : 1));
      await upsertJsonRows(trx as Kysely<RollupTables>, table, spec.key, rows, {
        ...Object.fromEntries(spec.fixed.map((column) => [column, keepFirst])),
        ...Object.fromEntries(spec.labels.map((column) => [column, greatest])),
        ...Object.fromEntries(spec.counts.map((column) => [column, add])),
      });
    }
  }
}

/** A rating's rows in the three level rollups, with the given counts. */
const levelRows = (r: NewRatingFact, counts: Draft): [keyof RollupTables, Draft][] => [
  [
    'ratings_by_day_channel',
    {
      day_key: r.day_key,
      department_code: r.department_code,
      channel: r.channel,
      week_key: r.week_key,
      month_key: r.month_key,
      channel_group: r.channel_group,
      department_name: r.department_name,
      ...counts,
    },
  ],
  [
    'ratings_by_day_place',
    {
      day_key: r.day_key,
      department_code: r.department_code,
      matter_code: r.matter_code,
      hall_code: r.hall_code,
      window_code: r.window_code,
      week_key: r.week_key,
      month_key: r.month_key,
      department_name: r.department_name,
      matter_name: r.matter_name,
      hall_name: r.hall_name,
      window_name: r.window_name,
      ...counts,
    },
  ],
  [
    'ratings_by_day_matter_channel',
    {
      day_key: r.day_key,
      department_code: r.department_code,
      matter_code: r.matter_code,
      channel: r.channel,
      week_key: r.week_key,
      month_key: r.month_key,
      channel_group: r.channel_group,
      department_name: r.department_name,
      matter_name: r.matter_name,
      ...counts,
    },
  ],
];

/**
 * What ratings inserted for the first time add to the rating and indicator rollups; `replied` names
 * those of them that an answered warning already names.
 */
const addRatings = (
  into: Accumulator,
  ratings: readonly NewRatingFact[],
  answers: readonly NewIndicatorAnswer[],
  replied: ReadonlySet<string>,
) => {
  for (const r of ratings) {
    const counts = {
      ...Object.fromEntries(LEVELS.map((column, index) => [column, r.level === index + 1 ? 1 : 0])),
      negative: r.negative ? 1 : 0,
      replied: r.negative && replied.has(r.rating_id) ? 1 : 0,
    };
    for (const [table, row] of levelRows(r, counts)) into.add(table, row);
    const hour = { day_key: r.day_key, department_code: r.department_code, hour: r.hour, weekday: r.weekday, rated: 1, negative: r.negative ? 1 : 0 };
    into.add('ratings_by_day_hour', hour);
    into.add('ratings_by_day_hour_channel', { ...hour, channel: r.channel, channel_group: r.channel_group });
  }
  const ratingOf = new Map(ratings.map((r) => [r.rating_id, r]));
  for (const a of answers) {
    const indicator = {
      day_key: a.day_key,
      department_code: a.department_code,
      code: a.code,
      category: a.category,
      answers: 1,
      level_sum: a.level,
      good: a.level >= 4 ? 1 : 0,
    };
    into.add('indicators_by_day', indicator);
    const rating = ratingOf.get(a.rating_id);
    if (!rating) continue;
    into.add('indicators_by_day_channel', { ...indicator, channel: rating.channel, channel_group: rating.channel_group });
    if (rating.staff_id) into.add('indicators_by_day_staff', { ...indicator, staff_id: rating.staff_id });
  }
};

const present = (value: unknown) => value !== null && value !== undefined;

/** A funnel row's part of funnel_by_day (only issued invitations count, as in the facts query). */
const funnelPart = (row: Partial<NewFunnelRow> | undefined): Draft | null => {
  if (!row || !present(row.issued_at)) return null;
  const submitted = present(row.submitted_at);
  return {
    issued_day_key: row.issued_day_key!,
    department_code: row.department_code ?? '',
    channel: row.channel!,
    channel_group: row.channel_group!,
    invited: 1,
    opened: present(row.opened_at) || submitted ? 1 : 0,
    submitted: submitted ? 1 : 0,
    expired: present(row.expired_at) && !submitted ? 1 : 0,
  };
};

/** A case row's part of cases_by_day (completed cases only, as in the facts query). */
const casePart = (row: Partial<NewCaseFact> | undefined): Draft | null => {
  if (!row || !present(row.completed_at)) return null;
  return {
    completed_day_key: row.completed_day_key!,
    department_code: row.department_code ?? '',
    completed: 1,
    rated: present(row.first_rated_at) ? 1 : 0,
  };
};

/** The stored row after the batch, by the same rules as the upsert: a set-once column keeps its value. */
const setOnceMerge = <Row extends Record<string, unknown>>(stored: Row | undefined, incoming: Row): Row => {
  if (!stored) return incoming;
  const merged: Record<string, unknown> = { ...incoming };
  for (const [column, value] of Object.entries(stored)) if (present(value)) merged[column] = value;
  return merged as Row;
};

const storedRows = async <Row>(trx: Kysely<unknown>, table: string, key: string, ids: readonly string[]) => {
  if (ids.length === 0) return new Map<string, Row>();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const rows = (await (trx as Kysely<any>).selectFrom(table).selectAll().where(key, 'in', [...ids]).execute()) as Record<string, unknown>[];
  return new Map(rows.map((row) => [String(row[key]), row as Row]));
};

/**
 * Reads what the batch's funnel and case rows were before it (call before upserting them), and
 * returns the writer that adds the rollups' share of the batch after the facts are written.
 */
export const rollupsOf = async (
  trx: Kysely<unknown>,
  batch: {
    readonly newRatings: readonly NewRatingFact[];
    readonly newAnswers: readonly NewIndicatorAnswer[];
    readonly funnel: readonly NewFunnelRow[];
    readonly cases: readonly NewCaseFact[];
    /** Of the new ratings, those an answered warning names; and the earlier negative ratings answered in this batch. */
    readonly replied: { readonly amongNew: ReadonlySet<string>; readonly earlier: readonly NewRatingFact[] };
  },
): Promise<{ write(trx: Kysely<unknown>): Promise<void> }> => {
  const into = new Accumulator();
  addRatings(into, batch.newRatings, batch.newAnswers, batch.replied.amongNew);
  const answeredOnly = { ...Object.fromEntries(LEVELS.map((column) => [column, 0])), negative: 0, replied: 1 };
  for (const r of batch.replied.earlier) for (const [table, row] of levelRows(r, answeredOnly)) into.add(table, row);
  const funnelBefore = await storedRows<NewFunnelRow>(trx, 'invitation_funnel', 'invitation_id', batch.funnel.map((r) => r.invitation_id));
  for (const row of batch.funnel) {
    const before = funnelBefore.get(row.invitation_id);
    const after = setOnceMerge(before, row);
    const [was, is] = [funnelPart(before), funnelPart(after)];
    if (was) into.add('funnel_by_day', was, -1);
    if (is) into.add('funnel_by_day', is);
  }
  const casesBefore = await storedRows<NewCaseFact>(trx, 'case_facts', 'case_id', batch.cases.map((r) => r.case_id));
  for (const row of batch.cases) {
    const before = casesBefore.get(row.case_id);
    // Set-once columns and the earliest rating: for the rollup, only whether each is known matters.
    const after = setOnceMerge(before, row);
    const [was, is] = [casePart(before), casePart(after)];
    if (was) into.add('cases_by_day', was, -1);
    if (is) into.add('cases_by_day', is);
  }
  return into;
};

const levels = sql`count(*) filter (where level = 1), count(*) filter (where level = 2), count(*) filter (where level = 3),
    count(*) filter (where level = 4), count(*) filter (where level = 5),
    count(*) filter (where negative), count(*) filter (where negative and rr.rating_id is not null)`;

/**
 * A step that replaces one roll-up with the rows `fill` inserts (`t` names a table of the schema).
 * DELETE rather than TRUNCATE: the application's role may write rows but not truncate.
 */
const replace =
  (table: (typeof rollupTables)[number], fill: (t: (table: string) => RawBuilder<unknown>) => RawBuilder<unknown>): FinishStep =>
  async (trx, schema) => {
    const t = (name: string) => sql.id(schema, name);
    await sql`delete from ${t(table)}`.execute(trx);
    await fill(t).execute(trx);
  };

// The facts with whether an answered warning names them (rating_replies, derived before these).
const answeredFacts = (t: (table: string) => RawBuilder<unknown>) =>
  sql`${t('rating_facts')} f left join ${t('rating_replies')} rr on rr.rating_id = f.rating_id`;

const ratingsByDayMatterChannel = replace('ratings_by_day_matter_channel', (t) => sql`
  insert into ${t('ratings_by_day_matter_channel')} (day_key, department_code, matter_code, channel, week_key, month_key, channel_group,
    department_name, matter_name, l1, l2, l3, l4, l5, negative, replied)
  select day_key, department_code, matter_code, channel, max(week_key), max(month_key), max(channel_group),
         max(department_name), max(matter_name), ${levels}
  from ${answeredFacts(t)} group by day_key, department_code, matter_code, channel`);

const ratingsByDayChannel = replace('ratings_by_day_channel', (t) => sql`
  insert into ${t('ratings_by_day_channel')} (day_key, department_code, channel, week_key, month_key, channel_group, department_name,
    l1, l2, l3, l4, l5, negative, replied)
  select day_key, department_code, channel, max(week_key), max(month_key), max(channel_group), max(department_name),
         sum(l1), sum(l2), sum(l3), sum(l4), sum(l5), sum(negative), sum(replied)
  from ${t('ratings_by_day_matter_channel')} group by day_key, department_code, channel`);

const ratingsByDayPlace = replace('ratings_by_day_place', (t) => sql`
  insert into ${t('ratings_by_day_place')} (day_key, department_code, matter_code, hall_code, window_code, week_key, month_key,
    department_name, matter_name, hall_name, window_name, l1, l2, l3, l4, l5, negative, replied)
  select day_key, department_code, matter_code, hall_code, window_code, max(week_key), max(month_key),
         max(department_name), max(matter_name), max(hall_name), max(window_name), ${levels}
  from ${answeredFacts(t)} group by day_key, department_code, matter_code, hall_code, window_code`);

const ratingsByDayHourChannel = replace('ratings_by_day_hour_channel', (t) => sql`
  insert into ${t('ratings_by_day_hour_channel')} (day_key, department_code, hour, channel, weekday, channel_group, rated, negative)
  select day_key, department_code, hour, channel, max(weekday), max(channel_group), count(*), count(*) filter (where level <= 2)
  from ${t('rating_facts')} group by day_key, department_code, hour, channel`);

const ratingsByDayHour = replace('ratings_by_day_hour', (t) => sql`
  insert into ${t('ratings_by_day_hour')} (day_key, department_code, hour, weekday, rated, negative)
  select day_key, department_code, hour, max(weekday), sum(rated), sum(negative)
  from ${t('ratings_by_day_hour_channel')} group by day_key, department_code, hour`);

const indicatorsByDayChannel = replace('indicators_by_day_channel', (t) => sql`
  insert into ${t('indicators_by_day_channel')} (day_key, department_code, code, channel, category, channel_group, answers, level_sum, good)
  select a.day_key, a.department_code, a.code, r.channel, max(a.category), max(r.channel_group), count(*), sum(a.level),
         count(*) filter (where a.level >= 4)
  from ${t('indicator_answers')} a join ${t('rating_facts')} r on r.rating_id = a.rating_id
  group by a.day_key, a.department_code, a.code, r.channel`);

const indicatorsByDayStaff = replace('indicators_by_day_staff', (t) => sql`
  insert into ${t('indicators_by_day_staff')} (day_key, department_code, staff_id, code, category, answers, level_sum, good)
  select a.day_key, a.department_code, r.staff_id, a.code, max(a.category), count(*), sum(a.level), count(*) filter (where a.level >= 4)
  from ${t('indicator_answers')} a join ${t('rating_facts')} r on r.rating_id = a.rating_id
  where r.staff_id is not null
  group by a.day_key, a.department_code, r.staff_id, a.code`);

const indicatorsByDay = replace('indicators_by_day', (t) => sql`
  insert into ${t('indicators_by_day')} (day_key, department_code, code, category, answers, level_sum, good)
  select day_key, department_code, code, max(category), sum(answers), sum(level_sum), sum(good)
  from ${t('indicators_by_day_channel')} group by day_key, department_code, code`);

const funnelByDay = replace('funnel_by_day', (t) => sql`
  insert into ${t('funnel_by_day')} (issued_day_key, department_code, channel, channel_group, invited, opened, submitted, expired)
  select issued_day_key, coalesce(department_code, ''), channel, max(channel_group), count(*),
         count(*) filter (where opened_at is not null or submitted_at is not null),
         count(*) filter (where submitted_at is not null),
         count(*) filter (where expired_at is not null and submitted_at is null)
  from ${t('invitation_funnel')} where issued_at is not null
  group by issued_day_key, coalesce(department_code, ''), channel`);

const casesByDay = replace('cases_by_day', (t) => sql`
  insert into ${t('cases_by_day')} (completed_day_key, department_code, completed, rated)
  select completed_day_key, coalesce(department_code, ''), count(*), count(*) filter (where first_rated_at is not null)
  from ${t('case_facts')} where completed_at is not null
  group by completed_day_key, coalesce(department_code, '')`);

/**
 * Every roll-up derived from its facts in one GROUP BY each, replacing what it held: how a bulk
 * rebuild finishes (the same sums the per-batch upserts add up to; the int tests compare the two).
 * The finest roll-ups come from the facts, the coarser ones from those (a few rows per day, not every
 * rating). As independent chains, heaviest first, that a rebuild runs at once (`Projection.bulk`);
 * the answered ratings are derived at the head of the chain whose roll-ups count them.
 */
export const rollupsFromFacts: readonly (readonly FinishStep[])[] = [
  [indicatorsByDayStaff],
  [indicatorsByDayChannel, indicatorsByDay],
  [ratingRepliesFromWarnings, ratingsByDayMatterChannel, ratingsByDayChannel, ratingsByDayPlace],
  [ratingsByDayHourChannel, ratingsByDayHour, funnelByDay, casesByDay],
];
