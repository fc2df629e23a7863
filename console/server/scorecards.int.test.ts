import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportLogStreamId } from '../../core/appraisal/export-log.ts';
import { ratingsProjection } from '../../projections/ratings/projection.ts';
import { startProjector } from '../../projections/runtime/projector.ts';
import { appendWarning, rate, rectifiedWarning } from '../../projections/testing/events.ts';
import { warningsProjection } from '../../projections/warnings/projection.ts';
import type { StaffApiHarness } from './testing.ts';
import { createStaffApiHarness } from './testing.ts';

const base = '/api/staff/scorecards';

describe('appraisal scorecards in the staff API (考核表)', () => {
  let h: StaffApiHarness;
  beforeAll(async () => {
    h = await createStaffApiHarness({ inbox: true });
    // February 2026 (the harness clock is 2026-03-03): D-MKT rated 5 and 2, the 2 rectified.
    await rate(h.store, 'api-5', '2026-02-10T02:00:00.000Z', { overall: 5, comment: '+cmd|/c calc' });
    const two = await rate(h.store, 'api-2', '2026-02-11T02:00:00.000Z', { overall: 2 });
    await appendWarning(h.store, 'api-w', rectifiedWarning('api-w', '2026-02-11T03:00:00.000Z', { ratingEventId: two }));
    for (const projection of [ratingsProjection, warningsProjection]) {
      const projector = startProjector(h, projection, { pollIntervalMs: 20 });
      await projector.caughtUp();
      await projector.stop();
    }
  });
  afterAll(async () => h.close());

  it('serves the scorecard as JSON to appraisal roles, and keeps department handlers out', async () => {
    const officer = await h.signIn('appraisal');
    const res = await h.as(officer, 'GET', `${base}/department/2026-02`);
    expect(res.status).toBe(200);
    const card = (await res.json()) as { closed: boolean; rulesVersion: number; rows: { unit: string; rated: number; goodRate: { value: number }; eligibility: { eligible: boolean } }[] };
    expect(card).toMatchObject({ closed: true, rulesVersion: 0 });
    expect(card.rows).toMatchObject([{ unit: 'D-MKT', rated: 2, goodRate: { value: 0.5 }, eligibility: { eligible: true } }]);
    const handler = await h.signIn('handler-scj');
    expect((await h.as(handler, 'GET', `${base}/department/2026-02`)).status).toBe(403);
    expect((await h.as(officer, 'GET', `${base}/department/2026-13`)).status).toBe(400);
    // A year the database cannot hold as a time: the field named, not a 500.
    expect((await h.as(officer, 'GET', `${base}/department/0000`)).status).toBe(400);
    expect((await h.as(officer, 'GET', `${base}/department/0000.csv`)).status).toBe(400);
    expect((await h.as(officer, 'GET', `${base}/hall/2026-02`)).status).toBe(400);
  });

  it('opens the ratings behind a number', async () => {
    const officer = await h.signIn('appraisal');
    const res = await h.as(officer, 'GET', `${base}/department/2026-02/evidence?unit=D-MKT&metric=good_rate`);
    expect(res.status).toBe(200);
    const evidence = (await res.json()) as { ratings: { level: number; numerator: number; denominator: number }[] };
    expect(evidence.ratings.map((r) => [r.level, r.numerator, r.denominator])).toEqual([
      [5, 1, 1],
      [2, 0, 1],
    ]);
    const bad = await h.as(officer, 'GET', `${base}/department/2026-02/evidence?unit=D-MKT&metric=bogus`);
    expect(bad.status).toBe(422);
    expect(JSON.stringify(await bad.json())).toContain('query.metric');
    // A NUL byte never reaches the database (it refuses NUL in text): 422 naming the field, not 500.
    const nul = await h.as(officer, 'GET', `${base}/department/2026-02/evidence?unit=%00&metric=good_rate`);
    expect(nul.status).toBe(422);
    expect(JSON.stringify(await nul.json())).toContain('query.unit');
    // A window is named with its hall: a bare window code would mix every hall's window of that code.
    const bare = await h.as(officer, 'GET', `${base}/window/2026-02/evidence?unit=W07&metric=rated`);
    expect(bare.status).toBe(422);
    expect(JSON.stringify(await bare.json())).toContain('大厅代码/窗口代码');
    expect((await h.as(officer, 'GET', `${base}/window/2026-02/evidence?unit=${encodeURIComponent('H-SMZJ/W07')}&metric=rated`)).status).toBe(200);
  });

  it('records an override with its reason beside the computed value; refuses an empty reason, other roles and a missing CSRF token', async () => {
    const officer = await h.signIn('appraisal');
    const url = `${base}/department/2026-02/overrides`;
    const empty = await h.as(officer, 'POST', url, { unit: 'D-MKT', metric: 'good_rate', value: 0.6, reason: '  ' });
    expect(empty.status).toBe(422);
    expect(JSON.stringify(await empty.json())).toContain('reason');
    const auditor = await h.signIn('auditor');
    expect((await h.as(auditor, 'POST', url, { unit: 'D-MKT', metric: 'good_rate', value: 0.6, reason: '核实' })).status).toBe(403);
    const noToken = await h.as(officer, 'POST', url, { unit: 'D-MKT', metric: 'good_rate', value: 0.6, reason: '核实' }, { 'x-csrf-token': '' });
    expect(noToken.status).toBe(403);
    const ok = await h.as(officer, 'POST', url, { unit: 'D-MKT', metric: 'good_rate', value: 0.6, reason: '-1+1 经专班复核,一条差评系误评' });
    expect(ok.status).toBe(200);
    const card = (await (await h.as(officer, 'GET', `${base}/department/2026-02`)).json()) as {
      rows: { goodRate: { value: number }; overrides: Record<string, { computed: number; value: number; reason: string; actor: { id: string } }> }[];
    };
    expect(card.rows[0]!.goodRate.value).toBe(0.5);
    expect(card.rows[0]!.overrides.good_rate).toMatchObject({ computed: 0.5, value: 0.6, reason: '-1+1 经专班复核,一条差评系误评' });
    // A reason that quotes a citizen's phone keeps it masked (脱敏), as all staff free text.
    const quoted = await h.as(officer, 'POST', url, { unit: 'D-MKT', metric: 'negative_rate', value: 0.1, reason: '经回访 13812345678 核实' });
    expect(quoted.status).toBe(200);
    const card2 = (await (await h.as(officer, 'GET', `${base}/department/2026-02`)).json()) as typeof card;
    expect(card2.rows[0]!.overrides['negative_rate']).toMatchObject({ value: 0.1, reason: '经回访 138****5678 核实' });
  });

  it('exports XLSX and CSV (BOM, neutralised text), each export logged as an event', async () => {
    const officer = await h.signIn('appraisal');
    const xlsx = await h.as(officer, 'GET', `${base}/department/2026-02.xlsx`);
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await xlsx.arrayBuffer());
    const sheet = workbook.worksheets[0]!;
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(sheet.getRow(2).getCell(1).value).toBe('D-MKT');
    const csv = await h.as(officer, 'GET', `${base}/department/2026-02.csv`);
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await csv.arrayBuffer());
    expect(text.startsWith('\uFEFF部门代码')).toBe(true);
    // The override sits beside the computed 50.0%, its reason inside a cell that starts with the metric's name.
    expect(text).toContain('50.0%');
    expect(text).toMatch(/,"?好评率 → 60\.0%.理由.-1\+1 经专班复核/);
    // A rating comment starting with "+" comes out inert behind a quote.
    const ratings = await h.as(officer, 'GET', `${base}/department/2026-02/evidence?unit=D-MKT&metric=rated&format=csv`);
    const ratingsText = await ratings.text();
    expect(ratingsText).toContain("'+cmd|/c calc");
    expect(ratingsText).not.toMatch(/(^|,)\+cmd/m);
    const log = await h.store.readStream(exportLogStreamId(h.deps.clock.now()));
    expect(log.map((e) => [e.type, (e.data as { format: string }).format, (e.data as { evidence?: unknown }).evidence ?? null])).toEqual([
      ['ScorecardExported', 'xlsx', null],
      ['ScorecardExported', 'csv', null],
      // The evidence behind one number says whose: the unit and the metric.
      ['ScorecardExported', 'csv', { unit: 'D-MKT', metric: 'rated' }],
    ]);
  });
});
