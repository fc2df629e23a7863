import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fold } from '../../core/decider/decider.ts';
import type { FeedRecord, FeedRectification } from '../../core/feed/record.ts';
import type { WarningCommand } from '../../core/warning/commands.ts';
import { warningDecider } from '../../core/warning/decider.ts';
import type { WarningEvent } from '../../core/warning/events.ts';
import { ratingsProjection } from '../../projections/ratings/projection.ts';
import { startProjector } from '../../projections/runtime/projector.ts';
import type { Engine } from '../../projections/testing/engines.ts';
import { engines } from '../../projections/testing/engines.ts';
import { appendWarning, rate, rectifiedWarning, subject } from '../../projections/testing/events.ts';
import { warningsProjection } from '../../projections/warnings/projection.ts';
import type { FeedTransport } from './outbox.ts';
import { collectFeedRecords, feedCollectorId, schemaProblems, sendFeed, startFeedCollector } from './outbox.ts';
import { formatReconciliation, reconcileFeed } from './reconcile.ts';
import { up as upCollectAgain } from '../db/migrations/0803_feed_collect_corrections.ts';

const MONTH = '2026-10';
const warningId = 'yj0123456789abcdef012345';
const invitationId = 'inv-appeal-1';
const reviewer = { id: 'u-review', role: 'appeal_reviewer', department: 'ZSJ' };
const ratedStaff = { id: 'S-7', role: 'window_staff', department: 'D-MKT' };

/**
 * A 差评 whose warning closes as rectified while the rated staff member's appeal (申诉复核) is still
 * pending, and the appeal is upheld the next month: the decider then records only AppealReviewed (the
 * warning stays closed as rectified), and the province, which holds result 1 (已整改), must learn 2
 * (申诉成立) through one correction record with a deterministic id.
 */
for (const engine of engines('provincial feed correction')) {
  describe(`the provincial feed corrects a rectification after an appeal upheld post-closure on ${engine.name}`, () => {
    let e: Engine;
    let ratingEventId: string;
    let facts: WarningEvent[];
    const sent: FeedRecord[] = [];
    const province: FeedTransport = {
      name: 'province',
      async send(records) {
        sent.push(...records);
        return records.map((record) => ({ recordId: record.recordId, status: 'accepted' as const }));
      },
    };

    const catchUp = async () => {
      const runners = [startProjector(e, ratingsProjection), startProjector(e, warningsProjection), startFeedCollector(e)];
      await Promise.all(runners.map((runner) => runner.caughtUp()));
      await Promise.all(runners.map((runner) => runner.stop()));
    };
    const outbox = async () =>
      (await sql<{ record_id: string; kind: string; month_key: string; status: string; payload: FeedRecord }>`
        select record_id, kind, month_key, status, payload from app.feed_outbox order by record_id`.execute(e.db)).rows;

    beforeAll(async () => {
      e = await engine.open();
      ratingEventId = await rate(e.store, invitationId, '2026-10-06T02:00:00.000Z', {
        overall: 1,
        reasons: ['R04'],
        subject: subject({ matter: { code: '11420000MB0001', name: '营业执照登记', type: '行政许可' } }),
      });
      const [raised, ...rest] = rectifiedWarning(warningId, '2026-10-06T03:00:00.000Z', { ratingEventId });
      const withInvitation = { ...raised, data: { ...raised!.data, source: { ...(raised!.data as { source: object }).source, invitationId } } } as WarningEvent;
      const replied = [withInvitation, ...rest.slice(0, 3)];
      // The rated staff member appeals while the call-backs are pending; both call-backs then close it.
      const appeal: WarningCommand = {
        type: 'FileAppeal',
        reason: '评价人误评：该业务由其他窗口办理',
        evidence: [{ blobKey: 'appeal/1.jpg', sha256: 'c'.repeat(64), mediaType: 'image/jpeg' }],
        at: new Date('2026-10-07T04:00:00.000Z'),
        actor: ratedStaff,
      };
      facts = [...replied, ...warningDecider.decide(appeal, fold(warningDecider, replied)), ...rest.slice(3)];
      expect(facts.at(-1)).toMatchObject({ type: 'WarningClosed', data: { outcome: 'rectified' } });
      await appendWarning(e.store, warningId, facts);
      await catchUp();
    }, 60_000);
    afterAll(async () => {
      await e?.close();
    });

    it('the closed warning gives one rectification record, result 1, and the province accepts it', async () => {
      const rows = (await outbox()).filter((row) => row.kind === 'rectification');
      expect(rows.map((row) => [row.record_id, row.month_key, (row.payload as FeedRectification).result])).toEqual([[`ZG${warningId}`, MONTH, '1']]);
      expect(await sendFeed({ db: e.db, transport: province, now: () => new Date(Date.now() + 60_000) })).toMatchObject({ accepted: 2, rejected: 0 });
      expect((await reconcileFeed(e.db, MONTH)).kinds.correction).toMatchObject({ readModels: 0, records: 0 });
    });

    it('the appeal upheld after the closure adds exactly one correction, result 2, with a deterministic id', async () => {
      const review: WarningCommand = { type: 'ReviewAppeal', decision: 'upheld', reason: '查实为误评', at: new Date('2026-11-03T02:00:00.000Z'), actor: reviewer };
      const reviewed = warningDecider.decide(review, fold(warningDecider, facts));
      // What the domain records today: the review only; the warning stays closed as rectified.
      expect(reviewed.map((event) => event.type)).toEqual(['AppealReviewed']);
      await appendWarning(e.store, warningId, reviewed);
      await catchUp();

      const rows = (await outbox()).filter((row) => row.kind === 'rectification');
      expect(rows.map((row) => row.record_id)).toEqual([`ZG${warningId}`, `ZG${warningId}-R2`]);
      const [original, correction] = rows;
      expect(original).toMatchObject({ status: 'accepted', payload: { result: '1' } });
      expect(original!.payload).not.toHaveProperty('corrects');
      // Keyed to the month of the record it corrects, whose reconciliation it belongs to.
      expect(correction).toMatchObject({
        status: 'pending',
        month_key: MONTH,
        payload: {
          kind: 'rectification',
          recordId: `ZG${warningId}-R2`,
          corrects: `ZG${warningId}`,
          revision: 2,
          correctedAt: '2026-11-03T02:00:00.000Z',
          ratingRecordId: `PJ${ratingEventId}`,
          result: '2',
          callbackResult: '1',
          closedAt: (original!.payload as FeedRectification).closedAt,
        },
      });
      expect(schemaProblems(correction!.payload)).toBeNull();
      expect(schemaProblems({ ...correction!.payload, recordId: `ZG${warningId}-R3` })).toMatch(/^recordId: a correction has/);
    });

    it('collecting every event again, or the review twice, adds nothing', async () => {
      const before = await outbox();
      const all = await e.store.readAll({ limit: 10_000, categories: ['invitation', 'warning'] });
      await collectFeedRecords(e)(all);
      const review = all.filter((event) => event.type === 'AppealReviewed');
      await collectFeedRecords(e)([...review, ...review]);
      expect(await outbox()).toEqual(before);
    });

    it('the month balances with the correction counted, and is delivered once the province accepts it', async () => {
      const report = await reconcileFeed(e.db, MONTH);
      expect(report.kinds).toMatchObject({
        rating: { readModels: 1, records: 1, accepted: 1 },
        rectification: { readModels: 1, records: 1, accepted: 1 },
        correction: { readModels: 1, records: 1, pending: 1 },
      });
      expect(report.balanced).toBe(true);
      expect(report.delivered).toBe(false);
      const text = formatReconciliation(report);
      expect(text).toContain('整改数据更正 corrections | 1 | 1 | 1 | 0 | 0 | 0 | -');
      expect(text).toContain('更正: 1 条整改数据因办结后申诉成立而更正');

      sent.length = 0;
      expect(await sendFeed({ db: e.db, transport: province, now: () => new Date(Date.now() + 60_000) })).toMatchObject({ accepted: 1 });
      expect(sent.map((record) => record.recordId)).toEqual([`ZG${warningId}-R2`]);
      const after = await reconcileFeed(e.db, MONTH);
      expect([after.balanced, after.delivered]).toEqual([true, true]);
      expect((await reconcileFeed(e.db, '2026-11')).kinds.correction.records).toBe(0);
    });

    it('where the collector before corrections had passed the upheld appeal, the renamed collector collects its correction, and nothing else', async () => {
      // As before this release: the old collector's checkpoint is past the review, and no correction exists.
      const { rows } = await sql<{ position: string }>`select position from eventstore.checkpoints where subscriber_id = ${feedCollectorId}`.execute(e.db);
      await sql`delete from eventstore.checkpoints where subscriber_id = ${feedCollectorId}`.execute(e.db);
      await sql`insert into eventstore.checkpoints (subscriber_id, position) values ('provincial-feed', ${rows[0]!.position})
                on conflict (subscriber_id) do update set position = excluded.position`.execute(e.db);
      await sql`delete from app.feed_outbox where record_id = ${`ZG${warningId}-R2`}`.execute(e.db);
      const before = await outbox();
      await upCollectAgain(e.db);
      expect((await sql`select 1 from eventstore.checkpoints where subscriber_id = 'provincial-feed'`.execute(e.db)).rows).toEqual([]);
      await catchUp();
      const after = await outbox();
      expect(after.map((row) => row.record_id)).toEqual([...before.map((row) => row.record_id), `ZG${warningId}-R2`].sort());
      expect(after.filter((row) => row.record_id !== `ZG${warningId}-R2`)).toEqual(before);
    });
  });
}

/** A correction never reaches the province before the record it corrects has been accepted there. */
describe('a correction waits for the record it corrects (PGlite)', () => {
  let e: Engine;
  beforeAll(async () => {
    e = await engines('correction ordering')[0]!.open();
  });
  afterAll(async () => {
    await e?.close();
  });

  it('is held while the original is pending, then goes after it in the same round', async () => {
    const original = { kind: 'rectification', recordId: 'ZGw-order-1' };
    const correction = { ...original, recordId: 'ZGw-order-1-R2', corrects: 'ZGw-order-1', revision: 2 };
    const now = new Date(Date.now() + 60_000);
    for (const [record, due] of [[original, new Date(now.getTime() + 600_000)], [correction, now]] as const)
      await sql`insert into app.feed_outbox (record_id, kind, source_event_id, month_key, payload, next_attempt_at)
                values (${record.recordId}, 'rectification', ${`e-${record.recordId}`}, ${MONTH}, ${JSON.stringify(record)}::jsonb, ${due.toISOString()})`.execute(e.db);
    const batches: string[][] = [];
    const province: FeedTransport = {
      name: 'province',
      async send(records) {
        batches.push(records.map((record) => record.recordId));
        return records.map((record) => ({ recordId: record.recordId, status: 'accepted' as const }));
      },
    };
    // The original is not due yet (a retry waiting out its back-off): the correction waits too.
    expect(await sendFeed({ db: e.db, transport: province, now: () => now })).toMatchObject({ accepted: 0 });
    expect(await sendFeed({ db: e.db, transport: province, now: () => new Date(now.getTime() + 600_000) })).toMatchObject({ accepted: 2 });
    expect(batches).toEqual([['ZGw-order-1'], ['ZGw-order-1-R2']]);
  });
});
