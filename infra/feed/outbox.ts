/**
 * The provincial feed's outbox: a checkpointed collector turns ratings and closed warnings into feed
 * records (app.feed_outbox, one row per record id), and a sender hands due records to a transport,
 * keeping what the receiving end answered (accepted, or rejected and why) and retrying with back-off
 * when it could not be reached. Collecting twice and sending twice are both harmless: the record id
 * is the idempotency key here and at the receiving end. A correction (an appeal upheld after the
 * warning closed) is a record of its own with a deterministic id, kept as kind `rectification`.
 */
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import * as v from 'valibot';
import type { EventStore, RecordedEvent, Subscription } from '../../core/eventstore/types.ts';
import type { FeedRecord } from '../../core/feed/record.ts';
import { FeedRecordSchema } from '../../core/feed/record.ts';
import type { EvaluationSubmitted } from '../../core/invitation/events.ts';
import { invitationStreamId } from '../../core/invitation/events.ts';
import { retryDelayMs } from '../../core/shared/backoff.ts';
import type { WarningRaised } from '../../core/warning/events.ts';
import { shanghaiKeys } from '../../projections/time/shanghai.ts';
import { ratingRecord, rectificationCorrection, rectificationRecord, through } from './map.ts';
import { subscribers } from '../../core/eventstore/subscribers.ts';

/**
 * The collector's checkpoint. Renamed (it was `provincial-feed`) when corrections came: the collector
 * with corrections reads the log from its start once, so that appeals upheld after closure before then
 * get theirs, whatever the collector before it saves while a rollout runs; every record id is fixed by
 * its source, so reading again adds nothing else. Migration 0803 drops the old checkpoint.
 */
export const feedCollectorId = subscribers.feedCollector.id;

export type FeedAnswer =
  | { readonly recordId: string; readonly status: 'accepted' }
  | { readonly recordId: string; readonly status: 'rejected'; readonly reason: string };

/** Where records go: the province's endpoint, or files for review (dry run). */
export interface FeedTransport {
  readonly name: string;
  /** One answer per record. Throwing means nothing is known: every record is retried later. */
  send(records: readonly FeedRecord[]): Promise<readonly FeedAnswer[]>;
}

/** Why a record does not fit the feed's field schema, naming the fields; null when it fits. */
export const schemaProblems = (record: unknown): string | null => {
  const result = v.safeParse(FeedRecordSchema, record);
  if (result.success) return null;
  return result.issues.map((issue) => `${v.getDotPath(issue) ?? '(record)'}: ${issue.message}`).join('; ');
};

type Submitted = RecordedEvent<'EvaluationSubmitted', EvaluationSubmitted['data']>;

const enqueue = async (db: Kysely<unknown>, record: FeedRecord, sourceEventId: string, at: string): Promise<void> => {
  // A record that does not fit the schema is kept as rejected (with the fields named), so the
  // reconciliation shows it instead of it silently missing.
  const problems = schemaProblems(record);
  await sql`
    insert into app.feed_outbox (record_id, kind, source_event_id, month_key, payload, status, reason)
    values (${record.recordId}, ${record.kind}, ${sourceEventId}, ${shanghaiKeys(at).monthKey}, ${JSON.stringify(record)}::jsonb,
            ${problems ? 'rejected' : 'pending'}, ${problems ? `schema: ${problems}` : null})
    on conflict (record_id) do nothing`.execute(db);
};

/** The warning's stream and the rating that raised it; null for a warning no rating raised. */
const warningAndRating = async (store: EventStore, streamId: string): Promise<{ warning: RecordedEvent[]; rating: Submitted } | null> => {
  const warning = await store.readStream(streamId);
  const raised = warning.find((e) => e.type === 'WarningRaised') as RecordedEvent<'WarningRaised', WarningRaised['data']> | undefined;
  const { ratingEventId, invitationId } = raised?.data.source ?? {};
  if (!ratingEventId || !invitationId) return null;
  const rating = (await store.readStream(invitationStreamId(invitationId))).find((e) => e.id === ratingEventId) as Submitted | undefined;
  return rating ? { warning, rating } : null;
};

/**
 * The collector's batch handler (exported for a one-off catch-up from a CLI). A rectification record
 * says what the warning's stream said when it closed, however late it is collected; an appeal upheld
 * after the closure adds a correction (整改数据更正) keyed to the same month as the record it corrects,
 * so that month's reconciliation shows it until the province has accepted it.
 */
export const collectFeedRecords =
  (deps: { readonly store: EventStore; readonly db: Kysely<unknown> }) =>
  async (events: readonly RecordedEvent[]): Promise<void> => {
    for (const event of events) {
      if (event.type === 'EvaluationSubmitted') {
        const submitted = event as Submitted;
        await enqueue(deps.db, ratingRecord(submitted), event.id, submitted.data.submittedAt);
      } else if (event.type === 'WarningClosed' || event.type === 'AppealReviewed') {
        const found = await warningAndRating(deps.store, event.streamId);
        if (!found) continue;
        const record =
          event.type === 'WarningClosed'
            ? rectificationRecord(through(found.warning, event.streamVersion), found.rating)
            : rectificationCorrection(found.warning, found.rating, event);
        if (record) await enqueue(deps.db, record, event.id, record.closedAt);
      }
    }
  };

export const startFeedCollector = (deps: { readonly store: EventStore; readonly db: Kysely<unknown>; readonly onError?: (error: unknown) => void }): Subscription =>
  deps.store.subscribe({
    subscriberId: feedCollectorId,
    categories: [...subscribers.feedCollector.categories],
    handle: collectFeedRecords(deps),
    ...(deps.onError ? { onError: deps.onError } : {}),
  });


export interface SendSummary {
  readonly accepted: number;
  readonly rejected: number;
  readonly retrying: number;
  readonly failed: number;
}

/**
 * Sends every due pending record (optionally of one month) in batches, and keeps each answer.
 * After `maxAttempts` unreachable attempts a record is `failed` and waits for an operator. A
 * correction waits until the province has accepted the record it corrects (the next batch of the same
 * round, when both are due), so it never arrives before that record.
 */
export const sendFeed = async (deps: {
  readonly db: Kysely<unknown>;
  readonly transport: FeedTransport;
  readonly now: () => Date;
  readonly month?: string;
  readonly batchSize?: number;
  readonly maxAttempts?: number;
  readonly onProgress?: (summary: SendSummary) => void;
}): Promise<SendSummary> => {
  const summary = { accepted: 0, rejected: 0, retrying: 0, failed: 0 };
  const maxAttempts = deps.maxAttempts ?? 8;
  const tried = new Set<string>();
  for (;;) {
    const { rows } = await sql<{ record_id: string; payload: FeedRecord; attempts: number }>`
      select record_id, payload, attempts from app.feed_outbox r
      where status = 'pending' and next_attempt_at <= ${deps.now().toISOString()}::timestamptz
        ${deps.month ? sql`and month_key = ${deps.month}` : sql``}
        and not exists (select 1 from app.feed_outbox c where c.record_id = r.payload ->> 'corrects' and c.status <> 'accepted')
      order by created_at, record_id limit ${deps.batchSize ?? 200}`.execute(deps.db);
    const batch = rows.filter((row) => !tried.has(row.record_id));
    if (batch.length === 0) return summary;
    for (const row of batch) tried.add(row.record_id);
    const sentAt = deps.now().toISOString();
    try {
      const answers = new Map((await deps.transport.send(batch.map((row) => row.payload))).map((answer) => [answer.recordId, answer]));
      for (const row of batch) {
        const answer = answers.get(row.record_id);
        if (!answer) {
          summary.retrying++;
          await retryLater(deps.db, row, deps.now(), maxAttempts, 'no answer for this record');
        } else if (answer.status === 'accepted') {
          summary.accepted++;
          await sql`update app.feed_outbox set status = 'accepted', attempts = attempts + 1, sent_at = ${sentAt}::timestamptz, reason = null
                    where record_id = ${row.record_id}`.execute(deps.db);
        } else {
          summary.rejected++;
          await sql`update app.feed_outbox set status = 'rejected', attempts = attempts + 1, sent_at = ${sentAt}::timestamptz, reason = ${answer.reason}
                    where record_id = ${row.record_id}`.execute(deps.db);
        }
      }
    } catch (error) {
      for (const row of batch) {
        if (await retryLater(deps.db, row, deps.now(), maxAttempts, String(error))) summary.failed++;
        else summary.retrying++;
      }
    }
    deps.onProgress?.(summary);
  }
};

/**
 * Gives the month's `failed` records (the province's endpoint was down for longer than the attempts
 * last: about an hour) another round of attempts, due now; the next `send` or the running sender
 * takes them. Rejected records are left alone: the province refused their content, which must be
 * mended first. Returns how many were requeued.
 */
export const requeueFailedFeed = async (db: Kysely<unknown>, options: { readonly month: string; readonly now: Date }): Promise<number> => {
  const result = await sql`
    update app.feed_outbox set status = 'pending', attempts = 0, next_attempt_at = ${options.now.toISOString()}::timestamptz,
           reason = 'requeued by an operator after: ' || coalesce(reason, 'no answer')
     where status = 'failed' and month_key = ${options.month}`.execute(db);
  return Number(result.numAffectedRows ?? 0);
};

/** Schedules the next attempt; true when the record has run out of attempts and is now `failed`. */
const retryLater = async (db: Kysely<unknown>, row: { record_id: string; attempts: number }, now: Date, maxAttempts: number, reason: string): Promise<boolean> => {
  const attempts = row.attempts + 1;
  const failed = attempts >= maxAttempts;
  await sql`update app.feed_outbox set attempts = ${attempts}, reason = ${reason}, status = ${failed ? 'failed' : 'pending'},
              next_attempt_at = ${new Date(now.getTime() + retryDelayMs(attempts)).toISOString()}::timestamptz
            where record_id = ${row.record_id}`.execute(db);
  return failed;
};

/** Sends due records every `intervalMs` (default a minute) until stopped; one round at a time. */
export const startFeedSender = (deps: {
  readonly db: Kysely<unknown>;
  readonly transport: FeedTransport;
  readonly now: () => Date;
  readonly log: (line: string) => void;
  readonly intervalMs?: number;
}): { stop(): Promise<void> } => {
  let round: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    round = round.then(async () => {
      try {
        const sent = await sendFeed({ db: deps.db, transport: deps.transport, now: deps.now });
        if (sent.accepted + sent.rejected + sent.retrying + sent.failed > 0)
          deps.log(`provincial feed to ${deps.transport.name}: accepted ${sent.accepted}, rejected ${sent.rejected}, retrying ${sent.retrying}, given up ${sent.failed}`);
      } catch (error) {
        deps.log(`provincial feed: ${String(error)} (next round in ${(deps.intervalMs ?? 60_000) / 1000} s)`);
      }
    });
  }, deps.intervalMs ?? 60_000);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await round;
    },
  };
};
