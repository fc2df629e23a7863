import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as v from 'valibot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalBlobStore } from '../../core/blobs/local.node.ts';
import { createPgliteEventStore } from '../../core/eventstore/pglite.ts';
import type { EventStore } from '../../core/eventstore/types.ts';
import type { FeedRecord } from '../../core/feed/record.ts';
import { FeedRatingSchema, FeedRectificationSchema } from '../../core/feed/record.ts';
import { generatePiiKeyring } from '../../core/pii/keyring.ts';
import { createPiiVault } from '../../core/pii/vault.ts';
import { createOutboxSmsGateway } from '../../core/sms/outbox.ts';
import type { SmsDatabase } from '../../core/sms/send-log.ts';
import { parseIntakeConfig } from '../../intake-edge/config.ts';
import { ratingsProjection } from '../../projections/ratings/projection.ts';
import { startProjector } from '../../projections/runtime/projector.ts';
import { warningsProjection } from '../../projections/warnings/projection.ts';
import { createTestPglite } from '../../tests/support/databases.ts';
import { simulateDemoMonth } from '../demo/simulate.ts';
import type { FeedTransport } from './outbox.ts';
import { retryDelayMs } from '../../core/shared/backoff.ts';
import { collectFeedRecords, requeueFailedFeed, sendFeed, startFeedCollector } from './outbox.ts';
import { dryRunFeed, formatReconciliation, reconcileFeed } from './reconcile.ts';

const config = parseIntakeConfig({
  publicBaseUrl: 'https://pj.xianan.gov.cn',
  sms: { signName: '咸安政务服务' },
  linkTokens: { active: 'a', keys: { a: 'link-token-secret-0123456789abcdefghij' } },
  caseSystems: [{ system: 'other', keys: { 'other-1': 'another-case-system-secret-0123456789' } }],
});
const MONTH = '2026-10';

/**
 * Issue 7, acceptance 3: the provincial feed's dry run for a demo month writes payloads that fit the
 * field schema, and its reconciliation report counts what the read models count.
 */
describe('provincial 好差评 feed on a demo month (PGlite)', () => {
  let store: EventStore;
  let db: Kysely<unknown>;
  let dir: string;
  let close: () => Promise<void>;

  beforeAll(async () => {
    const { pglite, db: pgliteDb } = await createTestPglite();
    db = pgliteDb;
    store = createPgliteEventStore({ pglite, db });
    const vault = createPiiVault({ keyring: generatePiiKeyring() });
    const blobRoot = await mkdtemp(join(tmpdir(), 'pinggai-feed-blobs-'));
    dir = await mkdtemp(join(tmpdir(), 'pinggai-feed-'));
    await simulateDemoMonth(
      { store, db, vault, sms: createOutboxSmsGateway({ db: db as Kysely<SmsDatabase>, vault }), blobs: createLocalBlobStore({ root: blobRoot }), config },
      { days: 9, end: new Date('2026-10-16T18:00:00+08:00'), seed: 'int-test', casesPerWorkingDay: [120, 150], overdueShare: 0.08, staticQrShare: 0.1 },
    );
    const projectors = [startProjector({ store, db }, ratingsProjection), startProjector({ store, db }, warningsProjection)];
    const collector = startFeedCollector({ store, db });
    await Promise.all([...projectors.map((p) => p.caughtUp()), collector.caughtUp()]);
    await Promise.all([...projectors.map((p) => p.stop()), collector.stop()]);
    close = async () => {
      await store.close();
      await pglite.close();
      await rm(blobRoot, { recursive: true, force: true });
      await rm(dir, { recursive: true, force: true });
    };
  });
  afterAll(async () => close?.());

  it('dry run: every payload fits the field schema, and the report counts what the read models count', async () => {
    const { report, files } = await dryRunFeed({ db, month: MONTH, dir });
    const lines = async (kind: string) =>
      (await readFile(join(dir, `feed-${MONTH}-${kind}.jsonl`), 'utf8')).split('\n').filter(Boolean).map((line) => JSON.parse(line) as FeedRecord);
    const ratings = await lines('rating');
    const rectifications = await lines('rectification');
    for (const record of ratings) expect(v.safeParse(FeedRatingSchema, record).success, JSON.stringify(record)).toBe(true);
    for (const record of rectifications) expect(v.safeParse(FeedRectificationSchema, record).success, JSON.stringify(record)).toBe(true);

    const { rows } = await sql<{ ratings: number; closed: number }>`
      select (select count(*) from app.rating_facts where month_key = ${MONTH})::int as ratings,
             (select count(*) from app.warnings where rating_id is not null and closed_at is not null)::int as closed`.execute(db);
    expect(rows[0]!.ratings).toBeGreaterThan(10);
    expect(rows[0]!.closed).toBeGreaterThan(0);
    expect(ratings).toHaveLength(rows[0]!.ratings);
    expect(rectifications).toHaveLength(rows[0]!.closed);
    expect(report.kinds.rating).toMatchObject({ readModels: rows[0]!.ratings, records: rows[0]!.ratings, valid: rows[0]!.ratings, pending: rows[0]!.ratings });
    expect(report.kinds.rectification).toMatchObject({ readModels: rows[0]!.closed, records: rows[0]!.closed, valid: rows[0]!.closed });
    expect(report.balanced).toBe(true);
    expect(report.problems).toEqual([]);
    expect(files.some((file) => file.endsWith('reconciliation.txt'))).toBe(true);
    expect(await readFile(join(dir, `feed-${MONTH}-reconciliation.txt`), 'utf8')).toContain('账实相符');

    // Nothing personal leaves: no plain mobile number in any payload, anonymous and real-name alike.
    const all = await readFile(join(dir, `feed-${MONTH}-rating.jsonl`), 'utf8');
    expect(all).not.toMatch(/(?<!\d)1[3-9]\d{9}(?!\d)/);
    expect(ratings.some((record) => record.kind === 'rating' && !record.realName)).toBe(true);

    // The dry run sent nothing and changed nothing.
    expect((await reconcileFeed(db, MONTH)).kinds.rating.pending).toBe(rows[0]!.ratings);
  });

  it('collecting the same events again adds no record', async () => {
    const before = (await sql<{ n: number }>`select count(*)::int as n from app.feed_outbox`.execute(db)).rows[0]!.n;
    await collectFeedRecords({ store, db })(await store.readAll({ limit: 100_000, categories: ['invitation', 'warning'] }));
    expect((await sql<{ n: number }>`select count(*)::int as n from app.feed_outbox`.execute(db)).rows[0]!.n).toBe(before);
  });

  it('sending keeps every answer, retries an unreachable province with back-off, and never sends an accepted record again', async () => {
    const sent: string[] = [];
    let unreachable = true;
    // The province's side of the port: refuses the first batch as unreachable, then answers per
    // record, rejecting ratings of the matters whose code ends in 001 (every department has one) as
    // their implementation code is unknown there.
    const province: FeedTransport = {
      name: 'province',
      async send(records) {
        if (unreachable) {
          unreachable = false;
          throw new Error('connect ECONNREFUSED');
        }
        sent.push(...records.map((record) => record.recordId));
        return records.map((record) =>
          record.kind === 'rating' && record.matterCode.endsWith('001')
            ? { recordId: record.recordId, status: 'rejected' as const, reason: '事项编码未在省级事项库登记' }
            : { recordId: record.recordId, status: 'accepted' as const },
        );
      },
    };
    // Records become due when collected (the database's clock), so the test's clock starts after that.
    let now = new Date(Date.now() + 60_000);
    const first = await sendFeed({ db, transport: province, now: () => now, month: MONTH, batchSize: 100 });
    expect(first.retrying).toBeGreaterThan(0);
    expect(retryDelayMs(1)).toBe(30_000);
    now = new Date(now.getTime() + retryDelayMs(1) + 1000);
    await sendFeed({ db, transport: province, now: () => now, month: MONTH, batchSize: 100 });
    const report = await reconcileFeed(db, MONTH);
    const total = report.kinds.rating.records + report.kinds.rectification.records;
    expect(report.kinds.rating.pending + report.kinds.rectification.pending).toBe(0);
    expect(report.kinds.rating.accepted + report.kinds.rating.rejected + report.kinds.rectification.accepted).toBe(total);
    expect(new Set(sent).size).toBe(sent.length);
    // Both answers occurred, and every rejection is reported with the province's reason.
    expect(report.kinds.rating.accepted).toBeGreaterThan(0);
    expect(report.kinds.rating.rejected).toBeGreaterThan(0);
    expect(report.problems.length).toBe(Math.min(200, report.kinds.rating.rejected));
    for (const problem of report.problems) expect([problem.kind, problem.reason]).toEqual(['rating', '事项编码未在省级事项库登记']);

    const again = await sendFeed({ db, transport: province, now: () => new Date(now.getTime() + 3_600_000), month: MONTH });
    expect(again).toEqual({ accepted: 0, rejected: 0, retrying: 0, failed: 0 });
  });

  it('a province down longer than the attempts: the records fail, the report says they were not delivered, and retry gives them another round', async () => {
    // Three records of a later month (copies of accepted ones under new ids), due now.
    const month = '2026-11';
    await sql`
      insert into app.feed_outbox (record_id, kind, source_event_id, month_key, payload)
      select record_id || '-N', kind, source_event_id, ${month}, jsonb_set(payload, '{recordId}', to_jsonb(record_id || '-N'))
        from app.feed_outbox where status = 'accepted' and kind = 'rating' order by record_id limit 3`.execute(db);
    const now = new Date(Date.now() + 60_000);
    const down: FeedTransport = { name: 'down', send: () => Promise.reject(new Error('connect ECONNREFUSED')) };
    expect(await sendFeed({ db, transport: down, now: () => now, month, maxAttempts: 1 })).toMatchObject({ failed: 3 });
    const report = await reconcileFeed(db, month);
    expect(report.delivered).toBe(false);
    expect(formatReconciliation(report)).toContain('失败 3');
    // Failed records are not sent again by themselves…
    const accepting: FeedTransport = { name: 'province', send: async (records) => records.map((record) => ({ recordId: record.recordId, status: 'accepted' as const })) };
    expect(await sendFeed({ db, transport: accepting, now: () => new Date(now.getTime() + 86_400_000), month })).toMatchObject({ accepted: 0 });
    // …until an operator requeues them.
    expect(await requeueFailedFeed(db, { month, now })).toBe(3);
    expect(await sendFeed({ db, transport: accepting, now: () => now, month })).toMatchObject({ accepted: 3, failed: 0 });
    expect((await reconcileFeed(db, month)).delivered).toBe(true);
  });
});
