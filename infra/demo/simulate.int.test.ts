import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalBlobStore } from '../../core/blobs/local.node.ts';
import { createPgliteEventStore } from '../../core/eventstore/pglite.ts';
import { generatePiiKeyring } from '../../core/pii/keyring.ts';
import { createPiiVault } from '../../core/pii/vault.ts';
import { createOutboxSmsGateway } from '../../core/sms/outbox.ts';
import type { SmsDatabase } from '../../core/sms/send-log.ts';
import { parseIntakeConfig } from '../../intake-edge/config.ts';
import { responseFunnel, timeDistribution, warningsByPhase } from '../../projections/queries/index.ts';
import { ratingsProjection } from '../../projections/ratings/projection.ts';
import { startProjector } from '../../projections/runtime/projector.ts';
import { warningsProjection } from '../../projections/warnings/projection.ts';
import { createTestPglite } from '../../tests/support/databases.ts';
import type { DemoResult } from './simulate.ts';
import { simulateDemoMonth } from './simulate.ts';

const config = parseIntakeConfig({
  publicBaseUrl: 'https://pj.xianan.gov.cn',
  sms: { signName: '咸安政务服务' },
  linkTokens: { active: 'a', keys: { a: 'link-token-secret-0123456789abcdefghij' } },
  caseSystems: [{ system: 'other', keys: { 'other-1': 'another-case-system-secret-0123456789' } }],
});

/**
 * Eight simulated days around the 2026 National Day holiday (10-07 is a holiday, Saturday 10-10 a
 * make-up working day), with a small volume and more overdue cases than a real month, so that warnings
 * run their whole course inside the window.
 */
const options = {
  days: 9,
  end: new Date('2026-10-16T18:00:00+08:00'),
  seed: 'int-test-2',
  casesPerWorkingDay: [30, 40] as const,
  overdueShare: 0.08,
  staticQrShare: 0.1,
};

const openDeps = async () => {
  const { pglite, db } = await createTestPglite();
  const store = createPgliteEventStore({ pglite, db });
  const vault = createPiiVault({ keyring: generatePiiKeyring() });
  const root = await mkdtemp(join(tmpdir(), 'pinggai-demo-blobs-'));
  return {
    deps: {
      store,
      db,
      vault,
      sms: createOutboxSmsGateway({ db: db as Kysely<SmsDatabase>, vault }),
      blobs: createLocalBlobStore({ root }),
      config,
    },
    async close() {
      await store.close();
      await pglite.close();
      await rm(root, { recursive: true, force: true });
    },
  };
};

const eventCount = async (db: Kysely<unknown>) =>
  Number((await sql<{ n: number }>`select count(*)::int as n from eventstore.events`.execute(db)).rows[0]!.n);

describe('demo month on PGlite', () => {
  let opened: Awaited<ReturnType<typeof openDeps>>;
  let db: Kysely<unknown>;
  let result: DemoResult;
  const lines: string[] = [];

  beforeAll(async () => {
    opened = await openDeps();
    ({ db } = opened.deps);
    result = await simulateDemoMonth(opened.deps, { ...options, log: (line) => lines.push(line) });
  });
  afterAll(async () => {
    await opened?.close();
  });

  it('registers and completes cases on working days only, make-up Saturday included', async () => {
    const { rows } = await sql<{ day: string; n: number }>`
      select to_char((data->>'occurredAt')::timestamptz at time zone 'Asia/Shanghai', 'YYYY-MM-DD') as day, count(*)::int as n
      from eventstore.events where event_type = 'CaseRegistered' group by 1 order by 1`.execute(db);
    const days = rows.map((row) => row.day);
    expect(days).toEqual([
      '2026-10-08',
      '2026-10-09',
      '2026-10-10',
      '2026-10-12',
      '2026-10-13',
      '2026-10-14',
      '2026-10-15',
      '2026-10-16',
    ]);
    for (const row of rows) expect(row.n).toBeGreaterThanOrEqual(row.day === '2026-10-16' ? 1 : 30);
    expect(result.counts!.completed).toBeGreaterThan(result.counts!.cases * 0.7);
    const completed = await sql<{
      n: number;
    }>`select count(*)::int as n from eventstore.events where event_type = 'CaseCompleted'`.execute(db);
    expect(completed.rows[0]!.n).toBe(result.counts!.completed);
    expect(result.counts!.overdue).toBeGreaterThan(0);
  });

  it('issues invitations per channel and keeps opens ≥ submissions, at the seed response rates', async () => {
    const counts = result.counts!;
    expect(counts.invitations['sms']).toBeGreaterThan(100);
    expect(counts.invitations['qr_case']).toBeGreaterThan(5);
    expect(counts.invitations['qr_static']).toBeGreaterThan(5);
    // The funnel as the dashboards count it: per issued channel group, a submission counts as an open.
    const { rows } = await sql<{ grp: string; opened: number; submitted: number }>`
      with issued as (select data->>'invitationId' as id, case when data->>'channel' = 'sms' then 'online' else 'offline' end as grp
                      from eventstore.events where event_type = 'InvitationIssued'),
           facts as (select data->>'invitationId' as id, bool_or(event_type = 'InvitationOpened') as opened, bool_or(event_type = 'EvaluationSubmitted') as submitted
                     from eventstore.events where event_type in ('InvitationOpened', 'EvaluationSubmitted') group by 1)
      select grp, count(*) filter (where opened or submitted)::int as opened, count(*) filter (where submitted)::int as submitted
      from issued left join facts using (id) group by grp order by grp`.execute(db);
    const group = (name: string) => rows.find((row) => row.grp === name)!;
    for (const row of rows) expect(row.opened).toBeGreaterThanOrEqual(row.submitted);
    expect(group('online').submitted / group('online').opened).toBeGreaterThan(0.1);
    expect(group('online').submitted / group('online').opened).toBeLessThan(0.18);
    expect(group('offline').submitted / group('offline').opened).toBeGreaterThan(0.36);
    expect(group('offline').submitted / group('offline').opened).toBeLessThan(0.56);
    expect(counts.reminded).toBeGreaterThan(0);
  });

  it('raises warnings and closes one through the dual call-back (电话回访 + 实地核查)', async () => {
    expect(result.counts!.warnings).toBeGreaterThan(0);
    const { rows } = await sql<{ stream_id: string; types: string[] }>`
      select stream_id, array_agg(event_type order by stream_version) as types from eventstore.events
      where stream_category = 'warning' group by stream_id`.execute(db);
    const closedByCallback = rows.filter(
      (row) =>
        row.types.includes('PhoneCallbackRecorded') &&
        row.types.includes('OnSiteCheckRecorded') &&
        row.types.at(-1) !== 'AppealReviewed' &&
        row.types.includes('WarningClosed'),
    );
    expect(closedByCallback.length).toBeGreaterThan(0);
    for (const row of closedByCallback) {
      expect(row.types.slice(0, 2)).toEqual(['WarningRaised', 'DispatchersAlerted']);
      expect(row.types).toContain('WarningDispatched');
      expect(row.types).toContain('ReplyDeadlineSet');
      expect(row.types).toContain('WarningReplied');
      expect(row.types).toContain('CallbackDeadlinesSet');
    }
    // Staff acted as the roles the decider checks.
    const actors = await sql<{ type: string; role: string }>`
      select distinct event_type as type, metadata->'actor'->>'role' as role from eventstore.events
      where event_type in ('WarningDispatched', 'PhoneCallbackRecorded', 'OnSiteCheckRecorded', 'WarningReplied', 'ReplyDeadlineSet')`.execute(
      db,
    );
    expect(actors.rows).toEqual(
      expect.arrayContaining([
        { type: 'WarningDispatched', role: 'dispatcher' },
        { type: 'PhoneCallbackRecorded', role: 'callback_officer' },
        { type: 'OnSiteCheckRecorded', role: 'callback_officer' },
        { type: 'WarningReplied', role: 'department_handler' },
        { type: 'ReplyDeadlineSet', role: 'system' },
      ]),
    );
  });

  it('computes reply deadlines from the working calendar: 24:00 of the third working day after dispatch', async () => {
    const { rows } = await sql<{ dispatched: string; due: string }>`
      select d.data->>'at' as dispatched, r.data->'deadline'->>'dueAt' as due
      from eventstore.events d join eventstore.events r on r.stream_id = d.stream_id and r.event_type = 'ReplyDeadlineSet' and (r.data->>'round')::int = 0
      where d.event_type = 'WarningDispatched'`.execute(db);
    expect(rows.length).toBeGreaterThan(0);
    const beijingDay = (iso: string) => new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(0, 10);
    const dueDay = (iso: string) => new Date(Date.parse(iso) + 8 * 3_600_000 - 1).toISOString().slice(0, 10);
    // Every day of the window, by hand: Saturday 10-10 is a make-up working day, Sunday 10-11 is not.
    const expected: Record<string, string> = {
      '2026-10-08': '2026-10-12',
      '2026-10-09': '2026-10-13',
      '2026-10-10': '2026-10-14',
      '2026-10-11': '2026-10-14',
      '2026-10-12': '2026-10-15',
      '2026-10-13': '2026-10-16',
      '2026-10-14': '2026-10-19',
      '2026-10-15': '2026-10-20',
      '2026-10-16': '2026-10-21',
    };
    expect(rows.map((row) => [beijingDay(row.dispatched), dueDay(row.due)])).toEqual(rows.map((row) => [beijingDay(row.dispatched), expected[beijingDay(row.dispatched)]]));
  });

  it('never stores a plain phone number in events', async () => {
    const { rows } = await sql<{
      text: string;
    }>`select data::text || ' ' || metadata::text as text from eventstore.events`.execute(db);
    const plain = rows.filter((row) => /(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])/.test(row.text));
    expect(plain).toEqual([]);
    const masked = await sql<{ masked: string }>`
      select data->'details'->'applicantPhone'->>'masked' as masked from eventstore.events
      where event_type = 'CaseRegistered' and data->'details'->'applicantPhone' <> 'null'::jsonb limit 1`.execute(
      db,
    );
    expect(masked.rows[0]!.masked).toMatch(/^1\d{2}\*{4}\d{4}$/);
  });

  it('prints one progress line per simulated day and a summary', () => {
    expect(lines.filter((line) => /^\[demo\] 2026-10-\d\d/.test(line)).length).toBeGreaterThanOrEqual(8);
    expect(lines.at(-1)).toMatch(/^\[demo\] done in .* warnings \d+/);
  });

  it('feeds the dashboards: the projected response funnel shows the seed rates, dispatch mostly within the hour', async () => {
    const projectors = [ratingsProjection, warningsProjection].map((projection) =>
      startProjector({ store: opened.deps.store, db }, projection),
    );
    try {
      await Promise.all(projectors.map((projector) => projector.caughtUp()));
      const funnel = await responseFunnel(db, { by: 'channelGroup' });
      const online = funnel.find((row) => row.channel === 'online')!;
      const offline = funnel.find((row) => row.channel === 'offline')!;
      expect(online.submitted / online.opened).toBeGreaterThan(0.1);
      expect(online.submitted / online.opened).toBeLessThan(0.18);
      expect(offline.submitted / offline.opened).toBeGreaterThan(0.36);
      expect(offline.submitted / offline.opened).toBeLessThan(0.56);
      expect(online.expired).toBeGreaterThan(0);
      const dispatch = await timeDistribution(db, { measure: 'dispatch' });
      expect(dispatch.count).toBeGreaterThan(0);
      const phases = await warningsByPhase(db, { now: options.end });
      expect(phases.reduce((sum, row) => sum + row.open, 0)).toBe(result.counts!.warnings);
      expect(dispatch.p50Minutes!).toBeLessThanOrEqual(60);
    } finally {
      await Promise.all(projectors.map((projector) => projector.stop()));
    }
  });

  it('a second run adds nothing', async () => {
    const before = await eventCount(db);
    const again = await simulateDemoMonth(opened.deps, { ...options, log: (line) => lines.push(line) });
    expect(again.skipped).toBe(true);
    expect(await eventCount(db)).toBe(before);
    expect(lines.at(-1)).toMatch(/already loaded/);
  });
});

describe('demo determinism', () => {
  const short = {
    days: 3,
    end: new Date('2026-10-10T18:00:00+08:00'),
    casesPerWorkingDay: [15, 20] as const,
    staticQrShare: 0.1,
  };
  const eventsOf = async (seed: string): Promise<string[]> => {
    const opened = await openDeps();
    try {
      await simulateDemoMonth(opened.deps, { ...short, seed });
      const { rows } = await sql<{ key: string }>`
        select stream_id || '#' || stream_version || ' ' || event_type || ' ' || event_id as key from eventstore.events
        where stream_id <> 'config-demo' order by 1`.execute(opened.deps.db);
      return rows.map((row) => row.key);
    } finally {
      await opened.close();
    }
  };

  it('one seed gives the same events (ids, streams, order within streams); another seed other ones', async () => {
    const first = await eventsOf('same');
    expect(first.length).toBeGreaterThan(100);
    expect(await eventsOf('same')).toEqual(first);
    expect(await eventsOf('other')).not.toEqual(first);
  });
});
