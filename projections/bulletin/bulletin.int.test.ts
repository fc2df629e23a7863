import { mkdir, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unpackDocx } from '../../tests/support/docx.ts';
import { responseFunnel, unratedCases } from '../queries/funnel.ts';
import { ratingRollup, ratingSummary } from '../queries/ratings.ts';
import { rectificationRates } from '../queries/warnings.ts';
import { ratingsProjection } from '../ratings/projection.ts';
import { startProjector } from '../runtime/projector.ts';
import type { Engine } from '../testing/engines.ts';
import { engines } from '../testing/engines.ts';
import { appendScenario } from '../testing/scenario.ts';
import { warningsProjection } from '../warnings/projection.ts';
import { rateText } from './format.ts';
import type { MonthlyBulletin } from './index.ts';
import { buildMonthlyBulletin } from './index.ts';

// The standard scenario, appended twice, fills days 2025-10-10…15: 18 ratings at every level on both
// departments, unrated cases, an expired invitation, rectified and open warnings, and the same
// reason (R04 等候时间长) at 12号窗口 four times — a recurring problem.
const MONTH = '2025-10';
const MONTH_FILTER = { from: '2025-10-01', to: '2025-10-31' };
const clock = { now: () => new Date('2025-11-03T01:00:00.000Z') };
/** The generated files are kept for a person to open in Word / WPS (git-ignored). */
const ARTIFACTS = 'tests/artifacts/bulletin';
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

for (const engine of engines('monthly bulletin')) {
  describe(`monthly bulletin (月度通报) on ${engine.name}`, () => {
    let e: Engine;
    let bulletin: MonthlyBulletin;
    let docxText: string;

    beforeAll(async () => {
      e = await engine.open();
      await appendScenario(e.store, 0);
      await appendScenario(e.store, 1);
      for (const projection of [ratingsProjection, warningsProjection]) {
        const projector = startProjector(e, projection, { batchSize: 100, pollIntervalMs: 20 });
        await projector.caughtUp();
        await projector.stop();
      }
      bulletin = await buildMonthlyBulletin(e.db, { month: MONTH, clock });
      docxText = unpackDocx(bulletin.docx).text;
      await mkdir(ARTIFACTS, { recursive: true });
      await writeFile(`${ARTIFACTS}/${engine.name}-${bulletin.fileName}`, bulletin.docx);
      await writeFile(`${ARTIFACTS}/${engine.name}-bulletin-${MONTH}.html`, bulletin.html);
    }, 120_000);
    afterAll(async () => {
      await e?.close();
    });

    it('figures are the dashboard queries’ numbers for the month', async () => {
      const summary = await ratingSummary(e.db, MONTH_FILTER);
      expect(summary.rated).toBe(18);
      expect(bulletin.figures.overall).toEqual(summary);
      expect(bulletin.figures.unrated).toEqual(await unratedCases(e.db, MONTH_FILTER));
      expect(bulletin.figures.funnel).toEqual(await responseFunnel(e.db, { filter: MONTH_FILTER, by: 'channelGroup' }));
      const rates = await rectificationRates(e.db, { now: clock.now(), filter: MONTH_FILTER });
      expect(bulletin.figures.warnings).toMatchObject(rates);
      expect(bulletin.figures.warnings.raised).toBe(8);
      expect(bulletin.figures.warnings.closed + bulletin.figures.warnings.open).toBe(8);
      const byDepartment = await ratingRollup(e.db, { filter: MONTH_FILTER, by: 'department' });
      expect(bulletin.figures.departments.map((d) => [d.code, d.summary.rated, d.negativeCount])).toEqual(
        byDepartment.map((row) => [row.key, row.rated, row.negativeRate.numerator]),
      );
      expect(bulletin.figures.windows.map((w) => [w.code, w.hall, w.department, w.summary.rated, w.rank])).toEqual([
        ['H-SMZJ/W-12', '市民之家', '市场监管局', 10, 1],
        ['H-SMZJ/W-3', '市民之家', '税务局', 8, 2],
      ]);
      expect(bulletin.figures.daily).toHaveLength(31);
      expect(bulletin.figures.daily.reduce((sum, d) => sum + d.rated, 0)).toBe(18);
      expect(bulletin.figures.recurring.map((p) => [p.windowCode, p.reason, p.occurrences])).toContainEqual([
        'W-12',
        'R04',
        4,
      ]);
    });

    it('the .docx unpacks, its XML is well-formed, and its text carries the month’s figures', () => {
      const docx = unpackDocx(bulletin.docx);
      expect(docx.documentXml).toContain('w:document');
      const f = bulletin.figures;
      const expected = [
        '咸安区政务服务“好差评”月度通报(2025年10月)',
        '一、总体情况',
        '二、各部门评价情况',
        '三、窗口排名',
        '四、预警处置情况',
        '五、反复性问题',
        '六、下一步工作建议',
        `共收到评价${f.overall.rated}条`,
        `好评率${rateText(f.overall.goodRate)}`,
        `差评率${rateText(f.overall.negativeRate)}`,
        `未评率${rateText(f.unrated)}`,
        `本月共产生预警${f.warnings.raised}件`,
        `按时派单率${rateText(f.warnings.onTimeDispatchRate)}`,
        `整改完成率${rateText(f.warnings.rectificationCompletionRate)}`,
        ...f.funnel.map((row) => rateText(row.responseRate)),
        ...f.departments.flatMap((d) => [
          d.name,
          rateText(d.summary.goodRate),
          rateText(d.negativeReplyRate),
          rateText(d.rectificationCompletionRate),
        ]),
        ...f.windows.map((w) => w.name),
        '等候时间长',
      ];
      for (const text of expected) expect(docx.text).toContain(text);
      // Rates carry their counts: 好评率 of the scenario is 6 of 18 (levels 5, 4, 4 in each round of nine).
      expect(rateText(f.overall.goodRate)).toBe('33.3%(6/18)');
      // Fonts by name and A4, as a government document.
      expect(docx.documentXml).toContain('w:eastAsia="仿宋_GB2312"');
      expect(docx.documentXml).toContain('w:eastAsia="黑体"');
      expect(docx.documentXml).toMatch(/<w:pgSz w:w="11906" w:h="16838"/);
    });

    it('its charts are PNG images embedded and referenced in the document', () => {
      const docx = unpackDocx(bulletin.docx);
      const media = [...docx.parts.keys()].filter((path) => /^word\/media\/.+\.png$/.test(path));
      expect(media.length).toBeGreaterThanOrEqual(2);
      expect(docx.referencedImages).toHaveLength(2);
      for (const image of docx.referencedImages) {
        expect(media).toContain(image);
        expect([...docx.parts.get(image)!.slice(0, 8)]).toEqual(PNG_SIGNATURE);
        expect(docx.parts.get(image)!.length).toBeGreaterThan(5_000);
      }
      expect(docxText).toContain('图1');
      expect(docxText).toContain('图2');
    });

    it('the HTML view carries the same figures and inline SVG charts', () => {
      const f = bulletin.figures;
      expect(bulletin.html).toMatch(/^<!doctype html>\n<html lang="zh-CN">/);
      expect(bulletin.html.match(/<svg[\s>]/g)).toHaveLength(2);
      for (const text of [
        rateText(f.overall.goodRate),
        rateText(f.overall.negativeRate),
        rateText(f.unrated),
        ...f.departments.map((d) => rateText(d.negativeReplyRate)),
      ]) {
        expect(bulletin.html).toContain(text);
      }
      expect(bulletin.html).not.toMatch(/<script/i);
    });

    it('a month without data is still a valid document, with "—" instead of rates', async () => {
      const empty = await buildMonthlyBulletin(e.db, { month: '2026-10', clock });
      const docx = unpackDocx(empty.docx);
      expect(empty.figures.overall.rated).toBe(0);
      expect(docx.text).toContain('咸安区政务服务“好差评”月度通报(2026年10月)');
      expect(docx.text).toContain('好评率—');
      expect(docx.text).not.toMatch(/NaN|null|undefined/);
      expect(docx.referencedImages).toHaveLength(2);
    });

    it('a window below the minimum sample is listed after the ranking, unranked', async () => {
      const strict = await buildMonthlyBulletin(e.db, { month: MONTH, clock, windowMinSample: 9 });
      expect(strict.figures.windows.map((w) => [w.code, w.rank])).toEqual([
        ['H-SMZJ/W-12', 1],
        ['H-SMZJ/W-3', null],
      ]);
      expect(unpackDocx(strict.docx).text).toContain('评价数少于9条的窗口样本不足');
    });

    it('refuses a month that is not YYYY-MM', async () => {
      await expect(buildMonthlyBulletin(e.db, { month: '2026-13', clock })).rejects.toThrow(/YYYY-MM/);
    });
  });
}
