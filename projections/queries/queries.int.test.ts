import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invitationStreamId } from '../../core/invitation/events.ts';
import type { SatisfactionLevel } from '../../core/questionnaire/types.ts';
import type { WarningEvent } from '../../core/warning/events.ts';
import { ratingsProjection } from '../ratings/projection.ts';
import { startProjector } from '../runtime/projector.ts';
import type { Engine } from '../testing/engines.ts';
import { engines } from '../testing/engines.ts';
import {
  appendFacts,
  appendWarning,
  caseCompleted,
  caseDetails,
  caseRegistered,
  invitationIssued,
  invitationOpened,
  evaluationSubmitted,
  rate,
  rectifiedWarning,
  subject,
  warningRaised,
} from '../testing/events.ts';
import { warningsProjection } from '../warnings/projection.ts';
import { qualityTrends } from '../detection/early-warning.ts';
import { negativeRateSeries } from '../detection/series.ts';
import { publicBoard } from './board.ts';
import { responseFunnel, unratedCases } from './funnel.ts';
import { indicatorScores } from './indicators.ts';
import { recurringProblems, weekdayHourHeatmap, worstSteps } from './problems.ts';
import { ratingList, ratingRollup, ratingSummary } from './ratings.ts';
import {
  rectificationRates,
  timeDistribution,
  warningDashboard,
  warningInbox,
  warningsByPhase,
} from './warnings.ts';

const mkt = subject({ caseId: 'hall:Q1' });
const tax = subject({
  caseId: null,
  department: { code: 'D-TAX', name: '税务局' },
  matter: { code: 'M-INV', name: '发票申领', type: '公共服务' },
  window: { code: 'W-3', name: '3号窗口' },
});
// Beijing time is UTC+8: 02:00Z is 10:00 in the hall. 2025-10-06 is a Monday.
const NOW = new Date('2025-10-13T00:00:00.000Z');

for (const engine of engines('dashboard queries')) {
  describe(`dashboard queries on ${engine.name}`, () => {
    let e: Engine;
    const ratingIds: Record<string, string> = {};

    beforeAll(async () => {
      e = await engine.open();
      // 市场监管局 W-12: 5, 5, 4, 3, 2, 1 over a week; the 3, 2 and 1 all give reason R04 (等候时间长).
      // The 3 is flagged for follow-up by its reason (as 办事体验一般 is), yet it is no 差评: the 差评
      // list, 差评率 and 差评回复率 below count the 2 and the 1 only.
      const mktLevels: [SatisfactionLevel, string, string[]][] = [
        [5, '2025-10-06T02:00:00.000Z', []],
        [5, '2025-10-06T03:00:00.000Z', []],
        [4, '2025-10-07T02:00:00.000Z', []],
        [3, '2025-10-08T02:00:00.000Z', ['R04']],
        [2, '2025-10-09T02:00:00.000Z', ['R04']],
        [1, '2025-10-10T02:00:00.000Z', ['R04', 'R06']],
      ];
      for (const [index, [level, at, reasons]] of mktLevels.entries()) {
        ratingIds[`mkt${index}`] = await rate(e.store, `q-mkt-${index}`, at, {
          overall: level,
          reasons,
          subject: index === 0 ? mkt : subject({ caseId: null }),
          channel: index % 2 === 0 ? 'qr_case' : 'sms',
          answers: { SM01: level, PC02: 1 },
          negative: level <= 3,
        });
      }
      // 税务局 W-3: 5 and 4.
      ratingIds.tax0 = await rate(e.store, 'q-tax-0', '2025-10-07T06:00:00.000Z', {
        overall: 5,
        subject: tax,
        channel: 'qr_static',
        answers: { SM01: 5 },
      });
      ratingIds.tax1 = await rate(e.store, 'q-tax-1', '2025-10-08T06:00:00.000Z', {
        overall: 4,
        subject: tax,
        channel: 'qr_static',
      });
      // Three completed cases; only Q1 was rated.
      for (const id of ['hall:Q1', 'hall:Q2', 'hall:Q3']) {
        await appendFacts(e.store, `case-${id}`, [
          caseRegistered(id, '2025-10-06T01:00:00.000Z', caseDetails(mkt)),
          caseCompleted(id, '2025-10-06T01:30:00.000Z'),
        ]);
      }
      // An SMS invitation opened and left unrated.
      await appendFacts(e.store, invitationStreamId('q-open'), [
        invitationIssued('q-open', 'sms', '2025-10-08T01:00:00.000Z', mkt),
        invitationOpened('q-open', 'sms', '2025-10-08T02:00:00.000Z'),
      ]);
      // w1: the 不满意 rating, rectified: dispatched after 30 min, replied on time, both call-backs satisfied.
      await appendWarning(
        e.store,
        'w1',
        rectifiedWarning('w1', '2025-10-09T02:05:00.000Z', {
          ratingEventId: ratingIds.mkt4!,
          replyText: '已增设叫号屏, 联系人电话13812341234',
        }),
      );
      // w2: the 非常不满意 rating, never dispatched: past its 1-hour deadline at NOW.
      await appendWarning(e.store, 'w2', [
        warningRaised('w2', '2025-10-10T02:05:00.000Z', { ratingEventId: ratingIds.mkt5! }),
      ]);
      // w3: an overdue case at the tax office, dispatched after 90 minutes, reply deadline passed.
      const w3: WarningEvent[] = [
        warningRaised('w3', '2025-10-07T01:00:00.000Z', {
          caseId: 'hall:Q3',
          department: 'D-TAX',
          matterCode: 'M-INV',
          windowId: 'W-3',
        }),
        {
          type: 'WarningDispatched',
          data: {
            by: 'u-d',
            leadDepartment: 'D-TAX',
            cooperatingDepartments: ['D-MKT'],
            at: '2025-10-07T02:30:00.000Z',
          },
        },
        {
          type: 'ReplyDeadlineSet',
          data: {
            round: 0,
            deadline: { dueAt: '2025-10-10T02:30:00.000Z', reminderAt: '2025-10-09T02:30:00.000Z' },
            workingDays: 3,
            countedFrom: '2025-10-07T02:30:00.000Z',
            calendarCoverage: {},
            calendarFallbackYears: [],
            at: '2025-10-07T02:30:00.000Z',
          },
        },
      ];
      await appendWarning(e.store, 'w3', w3);
      for (const projection of [ratingsProjection, warningsProjection]) {
        const projector = startProjector(e, projection, { batchSize: 50, pollIntervalMs: 20 });
        await projector.caughtUp();
        await projector.stop();
      }
    });
    afterAll(async () => {
      await e?.close();
    });

    it('rating summary: 8 ratings, 好评率 5/8, 满意率 6/8, 差评率 2/8', async () => {
      const summary = await ratingSummary(e.db);
      expect(summary.levels).toEqual({ 1: 1, 2: 1, 3: 1, 4: 2, 5: 3 });
      expect(summary.goodRate).toEqual({ value: 5 / 8, numerator: 5, denominator: 8 });
      expect(summary.satisfiedRate).toEqual({ value: 6 / 8, numerator: 6, denominator: 8 });
      expect(summary.negativeRate).toEqual({ value: 2 / 8, numerator: 2, denominator: 8 });
      expect((await ratingSummary(e.db, { from: '2025-11-01' })).goodRate.value).toBeNull();
    });

    it('rollups by department, by department × day, by channel group × week', async () => {
      const byDepartment = await ratingRollup(e.db, { by: 'department' });
      expect(byDepartment.map((row) => [row.key, row.label, row.rated, row.negativeRate.numerator])).toEqual([
        ['D-MKT', '市场监管局', 6, 2],
        ['D-TAX', '税务局', 2, 0],
      ]);
      const byDay = await ratingRollup(e.db, {
        by: 'department',
        period: 'day',
        filter: { department: 'D-MKT' },
      });
      expect(byDay.map((row) => [row.period, row.rated])).toEqual([
        ['2025-10-06', 2],
        ['2025-10-07', 1],
        ['2025-10-08', 1],
        ['2025-10-09', 1],
        ['2025-10-10', 1],
      ]);
      const byWeek = await ratingRollup(e.db, { by: 'channelGroup', period: 'week' });
      expect(byWeek.map((row) => [row.period, row.key, row.rated])).toEqual([
        ['2025-W41', 'offline', 5],
        ['2025-W41', 'online', 3],
      ]);
      expect(
        await ratingRollup(e.db, {
          by: 'window',
          filter: { window: 'H-SMZJ/W-3', from: '2025-10-08', to: '2025-10-08' },
        }),
      ).toMatchObject([{ key: 'H-SMZJ/W-3', label: '市民之家 · 3号窗口', rated: 1 }]);
    });

    it('negative-rating list (差评清单) with masked comments, newest first', async () => {
      const list = await ratingList(e.db, { negativeOnly: true });
      expect(list.map((item) => [item.ratingId, item.level, item.reasons])).toEqual([
        [ratingIds.mkt5, 1, ['R04', 'R06']],
        [ratingIds.mkt4, 2, ['R04']],
      ]);
    });

    it('drill-down from a chart: a heatmap cell, a level, a radar item', async () => {
      // Friday 10:00 Beijing time holds the 非常不满意 rating.
      expect(
        (await ratingList(e.db, { drill: { weekday: 5, hour: 10 } })).map((item) => item.ratingId),
      ).toEqual([ratingIds.mkt5]);
      expect((await ratingList(e.db, { drill: { level: 5 } })).length).toBe(3);
      // SM01 answered at 2 or below: the 不满意 and 非常不满意 ratings.
      expect(
        (await ratingList(e.db, { drill: { indicator: 'SM01', indicatorLevelAtMost: 2 } })).map(
          (item) => item.ratingId,
        ),
      ).toEqual([ratingIds.mkt5, ratingIds.mkt4]);
      expect(await ratingList(e.db, { drill: { indicator: 'RS04' } })).toEqual([]);
    });

    it('indicator scores per item', async () => {
      expect(await indicatorScores(e.db)).toEqual([
        {
          code: 'PC02',
          category: 'PC',
          answers: 6,
          meanLevel: 1,
          goodRate: { value: 0, numerator: 0, denominator: 6 },
        },
        {
          code: 'SM01',
          category: 'SM',
          answers: 7,
          meanLevel: (5 + 5 + 4 + 3 + 2 + 1 + 5) / 7,
          goodRate: { value: 4 / 7, numerator: 4, denominator: 7 },
        },
      ]);
    });

    it('response funnel per channel group and 未评率 of completed cases', async () => {
      const funnel = await responseFunnel(e.db);
      expect(funnel).toEqual([
        {
          channel: 'offline',
          invited: 5,
          opened: 5,
          submitted: 5,
          expired: 0,
          responseRate: { value: 1, numerator: 5, denominator: 5 },
        },
        {
          channel: 'online',
          invited: 4,
          opened: 4,
          submitted: 3,
          expired: 0,
          responseRate: { value: 0.75, numerator: 3, denominator: 4 },
        },
      ]);
      expect(await unratedCases(e.db)).toEqual({ value: 2 / 3, numerator: 2, denominator: 3 });
    });

    it('rectification rates with the counts behind them', async () => {
      const rates = await rectificationRates(e.db, { now: NOW });
      expect(rates).toEqual({
        negativeReplyRate: { value: 0.5, numerator: 1, denominator: 2 },
        callbackRectificationRate: { value: 1 / 3, numerator: 1, denominator: 3 },
        callbackSatisfactionRate: { value: 1, numerator: 2, denominator: 2 },
        rectificationCompletionRate: { value: 1 / 3, numerator: 1, denominator: 3 },
        onTimeDispatchRate: { value: 1 / 3, numerator: 1, denominator: 3 },
        onTimeReplyRate: { value: 0.5, numerator: 1, denominator: 2 },
      });
    });

    it('the warning panel: rates and phases together; the phases of one department', async () => {
      const panel = await warningDashboard(e.db, { now: NOW, filter: { department: 'D-TAX' } });
      expect(panel.byPhase).toEqual([{ phase: 'awaiting_reply', open: 1, overdue: 1 }]);
      expect(panel.onTimeDispatchRate).toEqual({ value: 0, numerator: 0, denominator: 1 });
      expect(panel.negativeReplyRate).toEqual({ value: null, numerator: 0, denominator: 0 });
    });

    it('inboxes per role and department, phases with SLA breaches', async () => {
      expect(
        (await warningInbox(e.db, { role: 'dispatcher', now: NOW })).map((w) => [
          w.warningId,
          w.overdue,
          w.dueAt,
        ]),
      ).toEqual([['w2', true, '2025-10-10T03:05:00.000Z']]);
      expect(
        (await warningInbox(e.db, { role: 'department_handler', department: 'D-TAX', now: NOW })).map((w) => [
          w.warningId,
          w.phase,
          w.overdue,
        ]),
      ).toEqual([['w3', 'awaiting_reply', true]]);
      // A cooperating department sees the warning too; another department sees nothing of it.
      expect(
        (await warningInbox(e.db, { role: 'department_handler', department: 'D-MKT', now: NOW })).map(
          (w) => w.warningId,
        ),
      ).toEqual(['w3']);
      expect(
        await warningInbox(e.db, { role: 'department_handler', department: 'D-OTHER', now: NOW }),
      ).toEqual([]);
      expect(await warningInbox(e.db, { role: 'callback_officer', now: NOW })).toEqual([]);
      expect(await warningsByPhase(e.db, { now: NOW })).toEqual([
        { phase: 'awaiting_dispatch', open: 1, overdue: 1 },
        { phase: 'awaiting_reply', open: 1, overdue: 1 },
        { phase: 'closed', open: 1, overdue: 0 },
      ]);
    });

    it('time-to-dispatch and time-to-reply distributions', async () => {
      const dispatch = await timeDistribution(e.db, { measure: 'dispatch' });
      expect(dispatch).toMatchObject({ count: 2, p50Minutes: 30, p90Minutes: 90 });
      expect(dispatch.buckets.map((b) => b.count)).toEqual([0, 1, 0, 1, 0, 0, 0]);
      const reply = await timeDistribution(e.db, { measure: 'reply' });
      expect(reply).toMatchObject({ count: 1, p50Minutes: 1440, p90Minutes: 1440 });
      expect(
        await timeDistribution(e.db, { measure: 'reply', filter: { department: 'D-TAX' } }),
      ).toMatchObject({ count: 0, p50Minutes: null });
    });

    it('recurring problems, weekday × hour, worst steps', async () => {
      const problems = await recurringProblems(e.db, { asOf: '2025-10-12', days: 7, threshold: 3 });
      expect(problems).toEqual([
        {
          matterCode: 'M-LIC',
          matterName: '营业执照登记',
          hallCode: 'H-SMZJ',
          hallName: '市民之家',
          windowCode: 'W-12',
          windowName: '12号窗口',
          reason: 'R04',
          occurrences: 3,
          ownerDepartment: 'D-MKT',
          firstDay: '2025-10-08',
          lastDay: '2025-10-10',
          ratingIds: [ratingIds.mkt3, ratingIds.mkt4, ratingIds.mkt5],
        },
      ]);
      expect(await recurringProblems(e.db, { asOf: '2025-10-12', days: 3, threshold: 3 })).toEqual([]);
      const heat = await weekdayHourHeatmap(e.db, { department: 'D-MKT' });
      expect(heat.find((cell) => cell.weekday === 1 && cell.hour === 10)).toMatchObject({
        rated: 1,
        negativeRate: { numerator: 0, denominator: 1 },
      });
      expect(heat.find((cell) => cell.weekday === 5 && cell.hour === 10)).toMatchObject({
        rated: 1,
        negativeRate: { value: 1 },
      });
      expect(await worstSteps(e.db)).toMatchObject([
        {
          matterCode: 'M-LIC',
          stage: 'concluded',
          negatives: 2,
          negativeRate: { numerator: 2, denominator: 6 },
        },
      ]);
    });

    it('negative-rate series per department × matter feed the early-warning chart', async () => {
      const groups = await negativeRateSeries(e.db, { period: 'week' });
      expect(groups).toEqual([
        { department: 'D-MKT', matter: 'M-LIC', series: [{ period: '2025-W41', rated: 6, negative: 2 }] },
        { department: 'D-TAX', matter: 'M-INV', series: [{ period: '2025-W41', rated: 2, negative: 0 }] },
      ]);
      // Eight ratings are below the minimum sample: no quality warning, however bad the week.
      expect(qualityTrends(groups, { baseline: 0.01 })).toEqual([]);
      expect(qualityTrends(groups, { baseline: 0.01, minSample: 5 })).toMatchObject([
        { department: 'D-MKT', matter: 'M-LIC', sample: 6 },
      ]);
    });

    it('public board: what was wrong, what was done, when — and no personal data', async () => {
      const board = await publicBoard(e.db);
      expect(board).toEqual([
        {
          reference: 'w1',
          hall: '市民之家',
          window: '12号窗口',
          matter: '营业执照登记',
          department: 'D-MKT',
          kind: 'negative_rating',
          reasons: ['R04'],
          action: '已增设叫号屏, 联系人电话138****1234',
          raisedAt: '2025-10-09T02:05:00.000Z',
          repliedAt: '2025-10-10T02:35:00.000Z',
          closedAt: '2025-10-10T04:36:00.000Z',
        },
      ]);
    });

    // Last: it adds ratings of its own (another department, in December).
    it('the funnel drill-down lists the ratings of the invitations it counts: issued in the period through the channel, rated however', async () => {
      const hr = subject({ caseId: null, department: { code: 'D-HR', name: '人社局' } });
      // An SMS invitation issued on 30 Nov, opened by scanning the window's QR and rated on 1 Dec.
      const scanned = await appendFacts(e.store, invitationStreamId('q-hr-1'), [
        invitationIssued('q-hr-1', 'sms', '2025-11-30T02:00:00.000Z', hr),
        invitationOpened('q-hr-1', 'qr_case', '2025-12-01T01:59:00.000Z'),
        evaluationSubmitted('q-hr-1', '2025-12-01T02:00:00.000Z', { overall: 4, channel: 'qr_case', subject: hr }),
      ]);
      const direct = await rate(e.store, 'q-hr-2', '2025-12-02T02:00:00.000Z', { overall: 5, channel: 'sms', subject: hr });
      const projector = startProjector(e, ratingsProjection, { batchSize: 50, pollIntervalMs: 20 });
      await projector.caughtUp();
      await projector.stop();

      const filter = { department: 'D-HR', from: '2025-11-01', to: '2025-11-30', channelGroup: 'online' } as const;
      expect(await responseFunnel(e.db, { filter })).toMatchObject([{ channel: 'online', invited: 1, submitted: 1 }]);
      const listed = await ratingList(e.db, { filter, drill: { invited: true } });
      expect(listed.map((item) => [item.ratingId, item.channel])).toEqual([[scanned.at(-1), 'qr_case']]);
      // Without the flag the same filter is the ratings' own: submitted online in November, none.
      expect(await ratingList(e.db, { filter })).toEqual([]);
      const december = { department: 'D-HR', from: '2025-12-01', to: '2025-12-31', channelGroup: 'online' } as const;
      expect((await ratingList(e.db, { filter: december, drill: { invited: true } })).map((item) => item.ratingId)).toEqual([direct]);
    });
  });
}

for (const engine of engines('seed response rates')) {
  describe(`the seed response rates, from events, on ${engine.name}`, () => {
    it('offline 71 of 154 who opened = 46.1%, online 28 of 205 = 13.7%', async () => {
      const e = await engine.open();
      try {
        const cohort = async (
          prefix: string,
          channel: 'qr_case' | 'sms',
          opened: number,
          submitted: number,
        ) => {
          for (let i = 0; i < opened; i++) {
            const id = `${prefix}${i}`;
            await appendFacts(e.store, invitationStreamId(id), [
              invitationIssued(id, channel, '2025-10-20T01:00:00.000Z', subject({ caseId: null })),
              invitationOpened(id, channel, '2025-10-20T01:05:00.000Z'),
              ...(i < submitted
                ? [
                    evaluationSubmitted(id, '2025-10-20T01:06:00.000Z', {
                      overall: 5,
                      channel,
                      subject: subject({ caseId: null }),
                    }),
                  ]
                : []),
            ]);
          }
        };
        await cohort('off', 'qr_case', 154, 71);
        await cohort('on', 'sms', 205, 28);
        // SMS invitations that were never opened are invited but not in the rate's denominator.
        await appendFacts(e.store, invitationStreamId('on-unopened'), [
          invitationIssued('on-unopened', 'sms', '2025-10-20T01:00:00.000Z', subject({ caseId: null })),
        ]);
        const projector = startProjector(e, ratingsProjection, { batchSize: 500, pollIntervalMs: 20 });
        await projector.caughtUp();
        await projector.stop();
        const funnel = await responseFunnel(e.db);
        expect(
          funnel.map((row) => [
            row.channel,
            row.invited,
            row.opened,
            row.submitted,
            row.responseRate.value?.toFixed(3),
          ]),
        ).toEqual([
          ['offline', 154, 154, 71, '0.461'],
          ['online', 206, 205, 28, '0.137'],
        ]);
      } finally {
        await e.close();
      }
    });
  });
}
