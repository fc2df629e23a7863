import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { Merge } from '../runtime/upsert.ts';
import { greatest, keepFirst, upsertJsonRows } from '../runtime/upsert.ts';
import type { NewCaseFact } from './case-facts.ts';
import type { NewIndicatorAnswer } from './indicator-answers.ts';
import type { NewFunnelRow } from './invitation-funnel.ts';
import type { NewRatingFact } from './rating-facts.ts';

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
}

export interface RatingsByDayHourTable {
  day_key: string;
  department_code: string;
  hour: number;
  weekday: number;
  rated: number;
  negative: number;
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
const specs: Record<keyof RollupTables, Spec> = {
  ratings_by_day_channel: {
    key: ['day_key', 'department_code', 'channel'],
    fixed: ['week_key', 'month_key', 'channel_group'],
    labels: ['department_name'],
    counts: LEVELS,
  },
  ratings_by_day_place: {
    key: ['day_key', 'department_code', 'matter_code', 'hall_code', 'window_code'],
    fixed: ['week_key', 'month_key'],
    labels: ['department_name', 'matter_name', 'hall_name', 'window_name'],
    counts: LEVELS,
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

/** What ratings inserted for the first time add to the rating and indicator rollups. */
const addRatings = (into: Accumulator, ratings: readonly NewRatingFact[], answers: readonly NewIndicatorAnswer[]) => {
  for (const r of ratings) {
    const levels = Object.fromEntries(LEVELS.map((column, index) => [column, r.level === index + 1 ? 1 : 0]));
    into.add('ratings_by_day_channel', {
      day_key: r.day_key,
      department_code: r.department_code,
      channel: r.channel,
      week_key: r.week_key,
      month_key: r.month_key,
      channel_group: r.channel_group,
      department_name: r.department_name,
      ...levels,
    });
    into.add('ratings_by_day_place', {
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
      ...levels,
    });
    into.add('ratings_by_day_hour', {
      day_key: r.day_key,
      department_code: r.department_code,
      hour: r.hour,
      weekday: r.weekday,
      rated: 1,
      negative: r.level <= 2 ? 1 : 0,
    });
  }
  for (const a of answers) {
    into.add('indicators_by_day', {
      day_key: a.day_key,
      department_code: a.department_code,
      code: a.code,
      category: a.category,
      answers: 1,
      level_sum: a.level,
      good: a.level >= 4 ? 1 : 0,
    });
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
  },
): Promise<{ write(trx: Kysely<unknown>): Promise<void> }> => {
  const into = new Accumulator();
  addRatings(into, batch.newRatings, batch.newAnswers);
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
