import type { RecordedEvent } from '../../core/eventstore/types.ts';
import type { EvaluationSubmitted } from '../../core/invitation/events.ts';
import type { CaseFactsTable } from '../read-models/case-facts.ts';
import { caseRowsOf, caseSetOnceColumns } from '../read-models/case-facts.ts';
import type { IndicatorAnswersTable } from '../read-models/indicator-answers.ts';
import { indicatorAnswersOf } from '../read-models/indicator-answers.ts';
import type { InvitationFunnelTable } from '../read-models/invitation-funnel.ts';
import { funnelColumns, funnelRowsOf } from '../read-models/invitation-funnel.ts';
import type { RatingFactsTable } from '../read-models/rating-facts.ts';
import { ratingFactOf } from '../read-models/rating-facts.ts';
import type { RatingRepliesTable, ReplyTables, WarningRatingsTable } from '../read-models/rating-replies.ts';
import { answeredRatings, warningRatingMerge, warningRatingRowsOf } from '../read-models/rating-replies.ts';
import type { Merge } from '../runtime/upsert.ts';
import { earliest, greatest, insertJsonRows, keepFirst, upsertJsonRows } from '../runtime/upsert.ts';
import type { RollupTables } from '../read-models/rollups.ts';
import { rollupsFromFacts, rollupsOf, rollupTables } from '../read-models/rollups.ts';
import type { Projection } from '../runtime/types.ts';
import type { Kysely } from 'kysely';
import { sql } from 'kysely';

export interface RatingTables extends RollupTables {
  rating_facts: RatingFactsTable;
  indicator_answers: IndicatorAnswersTable;
  invitation_funnel: InvitationFunnelTable;
  case_facts: CaseFactsTable;
  warning_ratings: WarningRatingsTable;
  rating_replies: RatingRepliesTable;
}

type Submitted = RecordedEvent<'EvaluationSubmitted', EvaluationSubmitted['data']>;

const isSubmitted = (event: RecordedEvent): event is Submitted => event.type === 'EvaluationSubmitted';

const setOnce = (columns: readonly string[]): Record<string, Merge> =>
  Object.fromEntries(columns.map((column) => [column, keepFirst]));

/** The stage of the newer case-system sequence wins (compared before `stage_sequence` is raised). */
const newerStage: Merge = (existing, incoming) =>
  sql`case when ${sql.ref('excluded.stage_sequence')} > ${sql.ref('case_facts.stage_sequence')} then ${incoming} else ${existing} end`;

const caseMerge: Record<string, Merge> = {
  ...setOnce(caseSetOnceColumns),
  stage: newerStage,
  stage_sequence: greatest,
  first_rated_at: earliest,
};

/** The rows that come straight from a batch of events (the roll-ups are derived from them). */
const factsOf = (events: readonly RecordedEvent[]) => {
  const ratings = events.filter(isSubmitted);
  return {
    facts: ratings.map(ratingFactOf),
    answers: ratings.flatMap(indicatorAnswersOf),
    funnel: funnelRowsOf(events.filter((event) => event.streamId.startsWith('invitation-'))),
    cases: caseRowsOf(events),
    warnings: warningRatingRowsOf(events.filter((event) => event.streamId.startsWith('warning-'))),
  };
};

/**
 * 评价 projection: ratings, their indicator answers, the response funnel of every invitation, the
 * cases' completion (for 未评率) and which ratings a warning has answered (for 差评回复率). Ratings are
 * immutable facts keyed by event id (insert once); the funnel, case and warning rows are folded per
 * batch in memory and merged with set-once / newest / earliest rules, so re-applying any event
 * changes nothing.
 */
export const ratingsProjection: Projection<RatingTables> = {
  name: 'ratings',
  version: 1,
  categories: ['case', 'invitation', 'warning'],
  tables: ['rating_facts', 'indicator_answers', 'invitation_funnel', 'case_facts', 'warning_ratings', 'rating_replies', ...rollupTables],
  async apply(trx, events) {
    const { facts, answers, funnel, cases, warnings } = factsOf(events);
    // Ratings are inserted once: only those new here count in the day rollups (re-applying adds nothing).
    const inserted = new Set(
      await upsertJsonRows(trx, 'rating_facts', ['rating_id'], facts, {}, { jsonColumns: ['attachments'], returning: 'rating_id' }),
    );
    const newRatings = facts.filter((fact) => inserted.has(fact.rating_id));
    await upsertJsonRows(trx, 'indicator_answers', ['rating_id', 'code'], answers);
    // 差评回复率: a rating counts as answered once, whichever comes first, its fact or the answer.
    const replied = await answeredRatings(trx as unknown as Kysely<ReplyTables & { rating_facts: RatingFactsTable }>, warnings, newRatings);
    // The rollups' share of the funnel and cases is "after minus before": read before writing.
    const rollups = await rollupsOf(trx as Kysely<unknown>, {
      newRatings,
      newAnswers: answers.filter((answer) => inserted.has(answer.rating_id)),
      funnel,
      cases,
      replied,
    });
    await upsertJsonRows(trx, 'invitation_funnel', ['invitation_id'], funnel, setOnce(funnelColumns));
    await upsertJsonRows(trx, 'case_facts', ['case_id'], cases, caseMerge);
    await rollups.write(trx as Kysely<unknown>);
  },
  // A rebuild writes the facts batch by batch and derives the answered ratings and the roll-ups at the end.
  bulk: {
    async apply(trx, events) {
      const { facts, answers, funnel, cases, warnings } = factsOf(events);
      // Two parts of a batch may both touch a case (its stream, and a rating of it): key order.
      cases.sort((a, b) => (a.case_id < b.case_id ? -1 : a.case_id > b.case_id ? 1 : 0));
      // Their keys are deferred (appendOnly below): each rating and answer comes from one event.
      await insertJsonRows(trx, 'rating_facts', facts, { jsonColumns: ['attachments'] });
      await insertJsonRows(trx, 'indicator_answers', answers);
      await upsertJsonRows(trx, 'invitation_funnel', ['invitation_id'], funnel, setOnce(funnelColumns));
      await upsertJsonRows(trx, 'case_facts', ['case_id'], cases, caseMerge);
      await upsertJsonRows(trx, 'warning_ratings', ['warning_id'], warnings, warningRatingMerge);
    },
    appendOnly: ['rating_facts', 'indicator_answers'],
    finish: rollupsFromFacts.map((chain) => chain.map((step) => (trx, schema) => step(trx as Kysely<unknown>, schema))),
  },
};
