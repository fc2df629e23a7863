import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ratingSummary, ratingRollup, unratedCases } from '../../projections/queries/index.ts';
import type { StaffApiHarness } from './testing.ts';
import { createStaffApiHarness, rsjWarning, scjWarning } from './testing.ts';
import type { AppendedFacts } from './testing-facts.ts';
import { appendReadModelFacts, startReadModels } from './testing-facts.ts';

type Session = Awaited<ReturnType<StaffApiHarness['signIn']>>;
type Problem = { status: number; code: string; errors?: { field: string }[] };

describe('dashboard routes of the staff API (看板, scoped by department)', () => {
  let h: StaffApiHarness;
  let readModels: ReturnType<typeof startReadModels>;
  let facts: AppendedFacts;
  const sessions: Record<string, Session> = {};
  const march = '?from=2026-03-01&to=2026-03-31';

  beforeAll(async () => {
    h = await createStaffApiHarness({ inbox: true });
    readModels = startReadModels(h);
    facts = await appendReadModelFacts(h.store, h.deps.blobs);
    await h.raise('w-scj', scjWarning());
    await h.raise('w-rsj', rsjWarning());
    await readModels.caughtUp();
    for (const username of ['auditor', 'handler-scj', 'handler-rsj', 'dispatcher', 'staff-0412', 'appraisal'])
      sessions[username] = await h.signIn(username);
  });
  afterAll(async () => {
    await readModels?.stop();
    await h?.close();
  });

  const get = async <T>(username: string, url: string, status = 200): Promise<T> => {
    const res = await h.as(sessions[username]!, 'GET', `/api/staff${url}`);
    expect(res.status, `${username} ${url}: ${res.status === status ? '' : await res.clone().text()}`).toBe(
      status,
    );
    expect(res.headers.get('cache-control')).toBe('no-store');
    return (await res.json()) as T;
  };

  it('gives district roles every department’s summary, equal to the read-model query', async () => {
    const summary = await get<{ rated: number; levels: Record<string, number> }>(
      'auditor',
      `/dashboard/ratings/summary${march}`,
    );
    expect(summary).toEqual(await ratingSummary(h.db, { from: '2026-03-01', to: '2026-03-31' }));
    expect(summary.rated).toBe(6);
    expect(summary.levels).toEqual({ 1: 1, 2: 1, 3: 0, 4: 1, 5: 3 });
  });

  it('forces a department handler’s numbers to its own department, whatever the query names', async () => {
    const own = await ratingSummary(h.db, { from: '2026-03-01', to: '2026-03-31', department: 'SCJ' });
    expect(own.rated).toBe(3);
    expect(await get('handler-scj', `/dashboard/ratings/summary${march}`)).toEqual(own);
    expect(await get('handler-scj', `/dashboard/ratings/summary${march}&department=RSJ`)).toEqual(own);
    const rollup = await get<{ rows: { key: string }[] }>(
      'handler-scj',
      `/dashboard/ratings/rollup${march}&by=department&department=RSJ`,
    );
    expect(rollup.rows.map((row) => row.key)).toEqual(['SCJ']);
    const all = await get<{ rows: { key: string }[] }>(
      'auditor',
      `/dashboard/ratings/rollup${march}&by=department`,
    );
    expect(all).toEqual({
      rows: await ratingRollup(h.db, { filter: { from: '2026-03-01', to: '2026-03-31' }, by: 'department' }),
    });
    expect(all.rows.map((row) => row.key).sort()).toEqual(['RSJ', 'SCJ']);
  });

  it('answers the rollup by period, 未评率, indicators, funnel, heatmap and warnings in the console’s shapes', async () => {
    const byDay = await get<{ rows: { period: string; rated: number }[] }>(
      'auditor',
      `/dashboard/ratings/rollup${march}&period=day`,
    );
    expect(byDay.rows.map((row) => [row.period, row.rated])).toEqual([['2026-03-02', 6]]);

    const unrated = await get<{ numerator: number; denominator: number }>(
      'handler-rsj',
      `/dashboard/unrated${march}`,
    );
    expect(unrated).toEqual(
      await unratedCases(h.db, { from: '2026-03-01', to: '2026-03-31', department: 'RSJ' }),
    );
    expect([unrated.numerator, unrated.denominator]).toEqual([1, 4]);

    const indicators = await get<{ rows: { code: string; answers: number }[] }>(
      'handler-scj',
      `/dashboard/indicators${march}`,
    );
    expect(indicators.rows.map((row) => [row.code, row.answers])).toEqual([
      ['PC01', 3],
      ['SM01', 3],
    ]);

    const funnel = await get<{
      rows: { channel: string; invited: number; opened: number; submitted: number }[];
    }>('auditor', `/dashboard/funnel${march}&by=channel`);
    expect(
      funnel.rows.map(({ channel, invited, opened, submitted }) => ({ channel, invited, opened, submitted })),
    ).toEqual([{ channel: 'sms', invited: 6, opened: 6, submitted: 6 }]);

    const heatmap = await get<{ rows: Record<string, number>[] }>(
      'handler-scj',
      `/dashboard/heatmap${march}`,
    );
    // Beijing time: 01:10Z → Monday 09h, 02:20Z → 10h, 06:30Z → 14h.
    expect(heatmap.rows).toEqual([
      { weekday: 1, hour: 9, rated: 1, negative: 0 },
      { weekday: 1, hour: 10, rated: 1, negative: 0 },
      { weekday: 1, hour: 14, rated: 1, negative: 1 },
    ]);

    const warnings = await get<Record<string, unknown>>('handler-rsj', `/dashboard/warnings${march}`);
    expect(Object.keys(warnings).sort()).toEqual([
      'byPhase',
      'callbackRectificationRate',
      'negativeReplyRate',
      'onTimeDispatchRate',
      'onTimeReplyRate',
      'rectificationCompletionRate',
    ]);
    // RSJ leads one warning, awaiting dispatch; SCJ's is not counted.
    expect(warnings['byPhase']).toEqual([{ phase: 'awaiting_dispatch', open: 1, overdue: 0 }]);
    const district = await get<{ byPhase: { open: number }[] }>('auditor', `/dashboard/warnings${march}`);
    expect(district.byPhase).toEqual([{ phase: 'awaiting_dispatch', open: 2, overdue: 0 }]);
  });

  it('lists the ratings behind a number with attachment references, scoped and filtered by a chart click', async () => {
    type Rows = {
      rows: {
        ratingId: string;
        level: number;
        department: string;
        attachments: { sha256: string; mediaType: string }[];
      }[];
    };
    const negative = await get<Rows>('auditor', `/ratings${march}&negativeOnly=true`);
    expect(negative.rows.map((row) => row.ratingId).sort()).toEqual(
      [facts.ratingIds['rsj-1'], facts.ratingIds['scj-3']].sort(),
    );
    const scj = await get<Rows>('handler-scj', `/ratings${march}&department=RSJ`);
    expect(scj.rows.map((row) => row.department)).toEqual(['市场监管局', '市场监管局', '市场监管局']);
    const withPicture = scj.rows.find((row) => row.ratingId === facts.ratingIds['scj-3'])!;
    expect(withPicture.attachments).toEqual([{ sha256: facts.pictureKey, mediaType: 'image/png' }]);
    expect(
      scj.rows
        .filter((row) => row.ratingId !== withPicture.ratingId)
        .every((row) => row.attachments.length === 0),
    ).toBe(true);
    const cell = await get<Rows>('auditor', `/ratings${march}&weekday=1&hour=14`);
    expect(cell.rows.map((row) => row.ratingId)).toEqual([facts.ratingIds['scj-3']]);
    const level5 = await get<Rows>('auditor', `/ratings${march}&level=5&limit=2&offset=0`);
    expect(level5.rows).toHaveLength(2);
    const indicator = await get<Rows>('auditor', `/ratings${march}&indicator=SM01&indicatorLevelAtMost=2`);
    expect(indicator.rows.map((row) => row.level).sort()).toEqual([1, 2]);
  });

  it('refuses rated staff (403) and anyone without a session (401)', async () => {
    for (const url of [
      '/dashboard/ratings/summary',
      '/dashboard/ratings/rollup',
      '/dashboard/unrated',
      '/dashboard/indicators',
      '/dashboard/funnel',
      '/dashboard/heatmap',
      '/dashboard/warnings',
      '/dashboard/warnings/list',
      '/ratings',
    ]) {
      expect((await get<Problem>('staff-0412', url, 403)).code).toBe('FORBIDDEN');
      expect((await h.request(`/api/staff${url}`)).status).toBe(401);
    }
  });

  it('names the field of a bad query (422) and never runs the query', async () => {
    const field = async (url: string) =>
      (await get<Problem>('auditor', url, 422)).errors!.map((error) => error.field);
    expect(await field('/dashboard/ratings/summary?from=2026-3-1')).toEqual(['query.from']);
    expect(await field('/dashboard/ratings/summary?from=2026-03-31&to=2026-03-01')).toEqual(['query.to']);
    expect(await field('/dashboard/ratings/summary?colour=red')).toEqual(['query.colour']);
    expect(await field('/dashboard/ratings/rollup?by=planet')).toEqual(['query.by']);
    expect(await field('/dashboard/ratings/rollup?period=year')).toEqual(['query.period']);
    expect(await field('/dashboard/funnel?by=department')).toEqual(['query.by']);
    expect(await field('/dashboard/heatmap?channel=fax')).toEqual(['query.channel']);
    expect(await field('/ratings?limit=0')).toEqual(['query.limit']);
    expect(await field('/ratings?limit=many')).toEqual(['query.limit']);
    expect(await field('/ratings?weekday=8')).toEqual(['query.weekday']);
    expect(await field('/ratings?hour=24')).toEqual(['query.hour']);
    expect(await field('/ratings?indicator=sm1')).toEqual(['query.indicator']);
    expect(await field('/ratings?negativeOnly=yes')).toEqual(['query.negativeOnly']);
    expect(await field('/ratings?replyRate=yes')).toEqual(['query.replyRate']);
    expect(await field('/ratings?from=2026-03-31&to=2026-03-01&replyRate=true')).toEqual(['query.to']);
    expect(await field('/dashboard/warnings/list?phase=done')).toEqual(['query.phase']);
    expect(await field(`/dashboard/warnings/list?lead=${'X'.repeat(65)}`)).toEqual(['query.lead']);
  });

  it('opens a count of the warnings panel onto exactly the warnings behind it, for any role with a dashboard', async () => {
    // A warning about RSJ's service that the dispatcher routed to SCJ: the warning figures (rates and
    // stages) count it for SCJ, the lead that must rectify; only RSJ's 差评回复率 counts its rating.
    await h.raise('w-cross', { ...rsjWarning(), leadDepartment: 'SCJ' });
    await readModels.caughtUp();
    type Dashboard = { byPhase: { phase: string; open: number; overdue: number }[] };
    type Items = { items: { warningId: string; phase: string; leadDepartment: string; overdue: boolean }[] };
    for (const username of ['auditor', 'dispatcher', 'handler-scj']) {
      const dashboard = await get<Dashboard>(username, '/dashboard/warnings');
      expect(dashboard.byPhase.length, username).toBeGreaterThan(0);
      const lead = username === 'handler-scj' ? '&lead=SCJ' : '';
      for (const row of dashboard.byPhase) {
        const all = await get<Items>(username, `/dashboard/warnings/list?phase=${row.phase}${lead}`);
        expect(all.items.length, `${username} ${row.phase}`).toBe(row.open);
        expect(all.items.every((item) => item.phase === row.phase)).toBe(true);
        const late = await get<Items>(username, `/dashboard/warnings/list?phase=${row.phase}&overdue=true${lead}`);
        expect(late.items.length, `${username} ${row.phase} overdue`).toBe(row.overdue);
      }
    }
    // The dispatcher's inbox holds only what awaits dispatch; the dashboard's list holds every phase it counts.
    const listed = await get<Items>('auditor', '/dashboard/warnings/list');
    expect(listed.items.map((item) => item.warningId).sort()).toEqual(['w-cross', 'w-rsj', 'w-scj']);
    // A department's warning rates count the warnings it leads, as its scorecard does: not w-cross.
    const ledByRsj = await get<Items>('handler-rsj', '/dashboard/warnings/list');
    expect(ledByRsj.items.map((item) => item.warningId).sort()).toEqual(['w-rsj']);
    // By lead, a department gets its own lead warnings, whatever it asks for.
    const own = await get<Items>('handler-scj', '/dashboard/warnings/list?lead=RSJ&department=RSJ');
    expect(own.items.map((item) => item.warningId).sort()).toEqual(['w-cross', 'w-scj']);
  });

  it('opens 差评回复率 onto the 差评 it counts, by rated department, each saying whether it was answered', async () => {
    // RSJ's 差评 rsj-1, its warning routed to SCJ, which answers it: RSJ's figure counts it, answered;
    // SCJ's counts only its own 差评 scj-3, which no warning has answered.
    const source = { sourceEventId: facts.ratingIds['rsj-1']!, ratingEventId: facts.ratingIds['rsj-1']! };
    await h.raise('w-rsj-rated', { ...rsjWarning(), source, leadDepartment: 'SCJ' });
    expect((await h.as(sessions['dispatcher']!, 'POST', '/api/staff/warnings/w-rsj-rated/dispatch', {})).status).toBe(200);
    expect((await h.as(sessions['handler-scj']!, 'POST', '/api/staff/warnings/w-rsj-rated/reply', { text: '已核实并答复' })).status).toBe(200);
    await readModels.caughtUp();
    type Rate = { numerator: number; denominator: number };
    type Rows = { rows: { ratingId: string; replied: boolean }[] };
    const cases: [string, string, [string, boolean][], [number, number]][] = [
      ['handler-rsj', '', [['rsj-1', true]], [1, 1]],
      ['handler-scj', '', [['scj-3', false]], [0, 1]],
      ['auditor', '&department=RSJ', [['rsj-1', true]], [1, 1]],
      ['auditor', '', [['scj-3', false], ['rsj-1', true]], [1, 2]],
    ];
    const nameOf = (ratingId: string) => Object.entries(facts.ratingIds).find(([, id]) => id === ratingId)?.[0];
    for (const [username, department, listed, [numerator, denominator]] of cases) {
      const { negativeReplyRate } = await get<{ negativeReplyRate: Rate }>(username, `/dashboard/warnings${march}${department}`);
      expect([negativeReplyRate.numerator, negativeReplyRate.denominator], `${username}${department}`).toEqual([numerator, denominator]);
      const { rows } = await get<Rows>(username, `/ratings${march}${department}&replyRate=true`);
      expect(rows.map((row) => [nameOf(row.ratingId), row.replied]), `${username}${department}`).toEqual(listed);
      expect([rows.filter((row) => row.replied).length, rows.length]).toEqual([numerator, denominator]);
    }
  });
});
