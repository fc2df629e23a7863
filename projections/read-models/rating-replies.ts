import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { RecordedEvent } from '../../core/eventstore/types.ts';
import type { AppealReviewed, WarningClosed, WarningRaised } from '../../core/warning/events.ts';
import { warningIdOf } from '../../core/warning/stream.ts';
import type { NewRatingFact, RatingFactsTable } from './rating-facts.ts';
import type { Merge } from '../runtime/upsert.ts';
import { greatest, keepFirst, upsertJsonRows } from '../runtime/upsert.ts';

/**
 * 差评回复 (app.warning_ratings, app.rating_replies): which ratings a warning has answered, kept by the
 * ratings projection itself so that 差评回复率 is summed from its day roll-ups like every other rate
 * instead of joining the period's negative ratings to the warnings at query time.
 *
 * `warning_ratings` has one row per warning stream: the rating that raised it (WarningRaised names it;
 * warnings about an overdue case name none), whether it has been answered (WarningReplied; answered
 * once is answered, a reopened warning stays so) and whether an upheld appeal (申诉成立) excludes its
 * rating (`rating_excluded`, as in app.warnings): such a 差评 leaves 差评回复率, answered or
 * not, as it leaves the appraisal. `rating_replies` holds each rating that some answered warning
 * names. Both only ever grow, so applying an event twice, or the events of different warnings in any
 * order, gives the same rows.
 */
export interface WarningRatingsTable {
  warning_id: string;
  rating_id: string | null;
  replied: boolean;
  rating_excluded: boolean;
}

export interface RatingRepliesTable {
  rating_id: string;
}

export interface ReplyTables {
  warning_ratings: WarningRatingsTable;
  rating_replies: RatingRepliesTable;
}

export type NewWarningRating = { warning_id: string; rating_id: string | null; replied: boolean; rating_excluded: boolean };

/** A warning's rating is set once; answered stays answered, excluded stays excluded. */
export const warningRatingMerge: Record<string, Merge> = { rating_id: keepFirst, replied: greatest, rating_excluded: greatest };

/** Whether an event of a warning's stream excludes its rating: an upheld appeal (申诉成立). */
const excludesRating = (event: RecordedEvent): boolean =>
  (event.type === 'AppealReviewed' && (event.data as AppealReviewed['data']).ratingExcludedFromAppraisal === true) ||
  (event.type === 'WarningClosed' && (event.data as WarningClosed['data']).ratingExcludedFromAppraisal === true);

/** The warning rows a batch of events gives, one per warning stream, folded in log order. */
export const warningRatingRowsOf = (events: readonly RecordedEvent[]): NewWarningRating[] => {
  const rows = new Map<string, NewWarningRating>();
  for (const event of events) {
    const excludes = excludesRating(event);
    if (event.type !== 'WarningRaised' && event.type !== 'WarningReplied' && !excludes) continue;
    const warningId = warningIdOf(event.streamId);
    if (!warningId) continue;
    const row = rows.get(warningId) ?? { warning_id: warningId, rating_id: null, replied: false, rating_excluded: false };
    if (event.type === 'WarningRaised') row.rating_id = (event.data as WarningRaised['data']).source.ratingEventId ?? null;
    else if (event.type === 'WarningReplied') row.replied = true;
    else row.rating_excluded = true;
    rows.set(warningId, row);
  }
  // Key order: two transactions of a rebuild never wait on each other in a cycle.
  return [...rows.values()].sort((a, b) => (a.warning_id < b.warning_id ? -1 : 1));
};

/**
 * Writes the warning rows of a batch (after its rating facts) and says which ratings the roll-ups
 * count as answered for the first time: of the batch's new negative ratings, those an answered
 * warning names (the answer may have come first), and the earlier negative ratings this batch answers.
 */
export const answeredRatings = async (
  trx: Kysely<ReplyTables & { rating_facts: RatingFactsTable }>,
  rows: readonly NewWarningRating[],
  newRatings: readonly NewRatingFact[],
): Promise<{ amongNew: ReadonlySet<string>; earlier: NewRatingFact[] }> => {
  let answeredNow: string[] = [];
  if (rows.length > 0) {
    await upsertJsonRows(trx, 'warning_ratings', ['warning_id'], rows, warningRatingMerge);
    const answered = await trx
      .selectFrom('warning_ratings')
      .select('rating_id')
      .where('warning_id', 'in', rows.map((row) => row.warning_id))
      .where('replied', '=', true)
      .where('rating_id', 'is not', null)
      .orderBy('rating_id')
      .execute();
    const ids = [...new Set(answered.map((row) => row.rating_id!))];
    answeredNow = (await upsertJsonRows(trx, 'rating_replies', ['rating_id'], ids.map((rating_id) => ({ rating_id })), {}, { returning: 'rating_id' })) as string[];
  }
  const negativeNew = newRatings.filter((fact) => fact.negative).map((fact) => fact.rating_id);
  const amongNew =
    negativeNew.length === 0 ? [] : await trx.selectFrom('rating_replies').select('rating_id').where('rating_id', 'in', negativeNew).execute();
  const isNew = new Set(newRatings.map((fact) => fact.rating_id));
  const earlierIds = answeredNow.filter((id) => !isNew.has(id));
  const earlier =
    earlierIds.length === 0
      ? []
      : ((await trx.selectFrom('rating_facts').selectAll().where('rating_id', 'in', earlierIds).where('negative', '=', true).execute()) as unknown as NewRatingFact[]);
  return { amongNew: new Set(amongNew.map((row) => row.rating_id)), earlier };
};

/** `rating_replies` derived from `warning_ratings` in one statement, replacing what it held: how a bulk rebuild finishes. */
export const ratingRepliesFromWarnings = async (trx: Kysely<unknown>, schema: string): Promise<void> => {
  await sql`delete from ${sql.id(schema, 'rating_replies')}`.execute(trx);
  await sql`
    insert into ${sql.id(schema, 'rating_replies')} (rating_id)
    select distinct rating_id from ${sql.id(schema, 'warning_ratings')} where replied and rating_id is not null`.execute(trx);
};
