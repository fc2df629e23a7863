import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invitationStreamId } from '../../core/invitation/events.ts';
import type { SatisfactionLevel } from '../../core/questionnaire/types.ts';
import { responseFunnel, unratedCases } from '../queries/funnel.ts';
import { indicatorScores } from '../queries/indicators.ts';
import { weekdayHourHeatmap } from '../queries/problems.ts';
import type { RatingFilter } from '../queries/filters.ts';
import { ratingRollup } from '../queries/ratings.ts';
import { rectificationRates } from '../queries/warnings.ts';
import { rate } from '../metrics/definitions.ts';
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
  evaluationSubmitted,
  invitationExpired,
  invitationIssued,
  invitationOpened,
  rectifiedWarning,
  subject,
  warningRaised,
} from '../testing/events.ts';

/** The facts with the ratings an answered warning names (checked against the events on their own). */
const factsAnswered = sql`app.rating_facts r left join app.rating_replies rr on rr.rating_id = r.rating_id`;
const negativeAndReplied = sql`count(*) filter (where negative)::int as negative,
  count(*) filter (where negative and rr.rating_id is not null)::int as replied`;

/** What each rollup must hold: the facts grouped the same way (the migration's backfill). */
const fromFacts = {
  ratings_by_day_channel: sql`
    select day_key, department_code, channel, max(department_name) as department_name,
           count(*) filter (where level = 1)::int as l1, count(*) filter (where level = 2)::int as l2,
           count(*) filter (where level = 3)::int as l3, count(*) filter (where level = 4)::int as l4,
           count(*) filter (where level = 5)::int as l5, ${negativeAndReplied}
    from ${factsAnswered} group by 1, 2, 3 order by 1, 2, 3`,
  ratings_by_day_place: sql`
    select day_key, department_code, matter_code, hall_code, window_code, max(window_name) as window_name,
           count(*) filter (where level = 1)::int as l1, count(*) filter (where level = 2)::int as l2,
           count(*) filter (where level = 3)::int as l3, count(*) filter (where level = 4)::int as l4,
           count(*) filter (where level = 5)::int as l5, ${negativeAndReplied}
    from ${factsAnswered} group by 1, 2, 3, 4, 5 order by 1, 2, 3, 4, 5`,
  ratings_by_day_hour: sql`
    select day_key, department_code, hour, count(*)::int as rated, count(*) filter (where level <= 2)::int as negative
    from app.rating_facts group by 1, 2, 3 order by 1, 2, 3`,
  ratings_by_day_matter_channel: sql`
    select day_key, department_code, matter_code, channel, max(channel_group) as channel_group, max(matter_name) as matter_name,
           count(*) filter (where level = 1)::int as l1, count(*) filter (where level = 2)::int as l2,
           count(*) filter (where level = 3)::int as l3, count(*) filter (where level = 4)::int as l4,
           count(*) filter (where level = 5)::int as l5, ${negativeAndReplied}
    from ${factsAnswered} group by 1, 2, 3, 4 order by 1, 2, 3, 4`,
  ratings_by_day_hour_channel: sql`
    select day_key, department_code, hour, channel, count(*)::int as rated, count(*) filter (where level <= 2)::int as negative
    from app.rating_facts group by 1, 2, 3, 4 order by 1, 2, 3, 4`,
  indicators_by_day_channel: sql`
    select a.day_key, a.department_code, a.code, r.channel, count(*)::int as answers, sum(a.level)::int as level_sum,
           count(*) filter (where a.level >= 4)::int as good
    from app.indicator_answers a join app.rating_facts r on r.rating_id = a.rating_id group by 1, 2, 3, 4 order by 1, 2, 3, 4`,
  indicators_by_day_staff: sql`
    select a.day_key, a.department_code, r.staff_id, a.code, count(*)::int as answers, sum(a.level)::int as level_sum,
           count(*) filter (where a.level >= 4)::int as good
    from app.indicator_answers a join app.rating_facts r on r.rating_id = a.rating_id
    where r.staff_id is not null group by 1, 2, 3, 4 order by 1, 2, 3, 4`,
  indicators_by_day: sql`
    select day_key, department_code, code, count(*)::int as answers, sum(level)::int as level_sum,
           count(*) filter (where level >= 4)::int as good
    from app.indicator_answers group by 1, 2, 3 order by 1, 2, 3`,
  funnel_by_day: sql`
    select issued_day_key, coalesce(department_code, '') as department_code, channel, count(*)::int as invited,
           count(*) filter (where opened_at is not null or submitted_at is not null)::int as opened,
           count(*) filter (where submitted_at is not null)::int as submitted,
           count(*) filter (where expired_at is not null and submitted_at is null)::int as expired
    from app.invitation_funnel where issued_at is not null group by 1, 2, 3 order by 1, 2, 3`,
  cases_by_day: sql`
    select completed_day_key, coalesce(department_code, '') as department_code, count(*)::int as completed,
           count(*) filter (where first_rated_at is not null)::int as rated
    from app.case_facts where completed_at is not null group by 1, 2 order by 1, 2`,
};
const stored = {
  ratings_by_day_channel: sql`select day_key, department_code, channel, department_name, l1, l2, l3, l4, l5, negative, replied from app.ratings_by_day_channel where l1 + l2 + l3 + l4 + l5 > 0 order by 1, 2, 3`,
  ratings_by_day_place: sql`select day_key, department_code, matter_code, hall_code, window_code, window_name, l1, l2, l3, l4, l5, negative, replied from app.ratings_by_day_place where l1 + l2 + l3 + l4 + l5 > 0 order by 1, 2, 3, 4, 5`,
  ratings_by_day_hour: sql`select day_key, department_code, hour, rated, negative from app.ratings_by_day_hour where rated > 0 order by 1, 2, 3`,
  indicators_by_day: sql`select day_key, department_code, code, answers, level_sum, good from app.indicators_by_day where answers > 0 order by 1, 2, 3`,
  ratings_by_day_matter_channel: sql`select day_key, department_code, matter_code, channel, channel_group, matter_name, l1, l2, l3, l4, l5, negative, replied from app.ratings_by_day_matter_channel where l1 + l2 + l3 + l4 + l5 > 0 order by 1, 2, 3, 4`,
  ratings_by_day_hour_channel: sql`select day_key, department_code, hour, channel, rated, negative from app.ratings_by_day_hour_channel where rated > 0 order by 1, 2, 3, 4`,
  indicators_by_day_channel: sql`select day_key, department_code, code, channel, answers, level_sum, good from app.indicators_by_day_channel where answers > 0 order by 1, 2, 3, 4`,
  indicators_by_day_staff: sql`select day_key, department_code, staff_id, code, answers, level_sum, good from app.indicators_by_day_staff where answers > 0 order by 1, 2, 3, 4`,
  funnel_by_day: sql`select issued_day_key, department_code, channel, invited, opened, submitted, expired from app.funnel_by_day where invited > 0 order by 1, 2, 3`,
  cases_by_day: sql`select completed_day_key, department_code, completed, rated from app.cases_by_day where completed > 0 order by 1, 2`,
};

const departments = [
  { code: 'D-MKT', name: '市场监管局' },
  { code: 'D-HRS', name: '人社局' },
];
const channels = ['sms', 'qr_case', 'qr_static'] as const;

for (const engine of engines('day rollups of the ratings projection')) {
  describe(`day rollups on ${engine.name}`, () => {
    let e: Engine;
    const answeredRatings = new Set<string>();
    let negativeRatings = 0;
    beforeAll(async () => {
      e = await engine.open();
      // 24 encounters over three days, two departments, three channels: some rated, some expired,
      // some ratings arriving before their case, in batches of 3 so one row's facts span batches.
      for (let i = 0; i < 24; i++) {
        const department = departments[i % 2]!;
        const channel = channels[i % 3]!;
        const at = `2025-10-${String(29 + (i % 3)).padStart(2, '0')}T0${i % 8}:1${i % 6}:00.000Z`;
        const caseId = channel === 'qr_static' ? null : `hall:C-${i}`;
        const s = subject({
          caseId,
          department,
          window: { code: `W-${i % 4}`, name: `${i % 4}号窗口` },
          matter: { code: `M-${i % 5}`, name: `事项${i % 5}`, type: '行政许可' },
        });
        const invitationId = `inv-${i}`;
        const ratingFirst = i % 7 === 0;
        const caseFacts = caseId
          ? [caseRegistered(caseId, at, caseDetails(s)), caseCompleted(caseId, at, 2)]
          : [];
        if (caseId && !ratingFirst) await appendFacts(e.store, `case-${caseId}`, caseFacts);
        const rated = i % 5 !== 4;
        const ids = await appendFacts(e.store, invitationStreamId(invitationId), [
          invitationIssued(invitationId, channel, at, s),
          ...(i % 2 === 0 ? [invitationOpened(invitationId, channel, at)] : []),
          rated
            ? evaluationSubmitted(invitationId, at, {
                overall: ((i % 5) + 1) as SatisfactionLevel,
                answers: { SM01: ((i % 5) + 1) as SatisfactionLevel, PC02: 4, RS01: 2 },
                channel,
                subject: s,
              })
            : invitationExpired(invitationId, at),
        ]);
        if (caseId && ratingFirst) await appendFacts(e.store, `case-${caseId}`, caseFacts);
        // 差评 (levels 1 and 2) raise warnings: most are answered, some not yet; one rating has two.
        if (rated && i % 5 <= 1) {
          const ratingEventId = ids[ids.length - 1]!;
          const answered = i % 3 !== 2;
          const raisedAt = `2025-10-31T12:${String(i).padStart(2, '0')}:00.000Z`;
          await appendWarning(e.store, `yj-${i}`, answered ? rectifiedWarning(`yj-${i}`, raisedAt, { ratingEventId }) : [warningRaised(`yj-${i}`, raisedAt, { ratingEventId })]);
          if (i === 0) await appendWarning(e.store, `yj-${i}-b`, rectifiedWarning(`yj-${i}-b`, raisedAt, { ratingEventId }));
          if (answered) answeredRatings.add(ratingEventId);
          negativeRatings++;
        }
      }
      const projector = startProjector(e, ratingsProjection, { batchSize: 3, pollIntervalMs: 50 });
      await projector.caughtUp();
      await projector.stop();
    });
    afterAll(async () => {
      await e?.close();
    });

    it('every rollup holds exactly the counts of its facts', async () => {
      for (const table of Object.keys(fromFacts) as (keyof typeof fromFacts)[]) {
        const expected = (await fromFacts[table].execute(e.db)).rows;
        expect(expected.length, table).toBeGreaterThan(0);
        expect((await stored[table].execute(e.db)).rows, table).toEqual(expected);
      }
    });

    it('each rating that an answered warning names is answered once; the roll-ups count it as 差评回复', async () => {
      expect(answeredRatings.size).toBeGreaterThan(0);
      expect(answeredRatings.size).toBeLessThan(negativeRatings);
      const { rows } = await sql<{ rating_id: string }>`select rating_id from app.rating_replies order by 1`.execute(e.db);
      expect(rows.map((row) => row.rating_id)).toEqual([...answeredRatings].sort());
      const { rows: sums } = await sql<{ negative: number; replied: number }>`
        select sum(negative)::int as negative, sum(replied)::int as replied from app.ratings_by_day_channel`.execute(e.db);
      expect(sums[0]).toEqual({ negative: negativeRatings, replied: answeredRatings.size });
    });

    it('applying the same events again adds nothing to any rollup', async () => {
      const events = await e.store.readAll({ after: null, limit: 1000, categories: ratingsProjection.categories });
      await e.db.transaction().execute((trx) => ratingsProjection.apply(trx.withSchema('rm_ratings_v1') as never, events));
      for (const table of Object.keys(fromFacts) as (keyof typeof fromFacts)[]) {
        expect((await stored[table].execute(e.db)).rows, table).toEqual((await fromFacts[table].execute(e.db)).rows);
      }
    });

    it('the dashboard queries answer the same from a rollup as from the facts', async () => {
      // Every rating names staff member S-7: a filter naming S-7 selects the same ratings. With a
      // channel too, no rollup has both, so the staff member's filter reads the facts.
      const everyone = { from: '2025-10-29', to: '2025-10-31' };
      const oneDay = { from: '2025-10-30', to: '2025-10-30', department: 'D-HRS' };
      for (const filter of [everyone, oneDay]) {
        const viaFacts = { ...filter, staff: 'S-7' };
        expect(await ratingRollup(e.db, { filter, by: 'department', period: 'day' })).toEqual(
          await ratingRollup(e.db, { filter: viaFacts, by: 'department', period: 'day' }),
        );
        expect(await ratingRollup(e.db, { filter, by: 'window' })).toEqual(
          await ratingRollup(e.db, { filter: viaFacts, by: 'window' }),
        );
        expect(await ratingRollup(e.db, { filter, by: 'channelGroup', period: 'week' })).toEqual(
          await ratingRollup(e.db, { filter: viaFacts, by: 'channelGroup', period: 'week' }),
        );
        expect(await weekdayHourHeatmap(e.db, filter)).toEqual(await weekdayHourHeatmap(e.db, viaFacts));
        expect(await indicatorScores(e.db, filter)).toEqual(await indicatorScores(e.db, viaFacts));
        const replyRate = async (f: RatingFilter) => (await rectificationRates(e.db, { now: new Date('2025-11-30T00:00:00Z'), filter: f })).negativeReplyRate;
        expect(await replyRate(filter)).toEqual(await replyRate(viaFacts));
        if (filter === everyone) expect(await replyRate(filter)).toEqual(rate(answeredRatings.size, negativeRatings));
        // One channel or channel group: the channel rollups answer what the facts answer.
        for (const channelFilter of [{ ...filter, channelGroup: 'online' as const }, { ...filter, channel: 'qr_case' as const }]) {
          const channelViaFacts = { ...channelFilter, staff: 'S-7' };
          const byMatter = await ratingRollup(e.db, { filter: channelFilter, by: 'matter', period: 'day' });
          if (filter === everyone) expect(byMatter.length).toBeGreaterThan(0);
          expect(byMatter).toEqual(await ratingRollup(e.db, { filter: channelViaFacts, by: 'matter', period: 'day' }));
          const heat = await weekdayHourHeatmap(e.db, channelFilter);
          if (filter === everyone) expect(heat.length).toBeGreaterThan(0);
          expect(heat).toEqual(await weekdayHourHeatmap(e.db, channelViaFacts));
          const radar = await indicatorScores(e.db, channelFilter);
          if (filter === everyone) expect(radar.length).toBeGreaterThan(0);
          expect(radar).toEqual(await indicatorScores(e.db, channelViaFacts));
          // …and less than the whole: the channel filter is applied, not ignored.
          if (filter === everyone) expect(radar.reduce((n, row) => n + row.answers, 0)).toBeLessThan((await indicatorScores(e.db, filter)).reduce((n, row) => n + row.answers, 0));
        }
        // One staff member's radar (its own rollup) equals the facts of that staff member, channel by channel.
        const staffRadar = await indicatorScores(e.db, { ...filter, staff: 'S-7' });
        expect(staffRadar.length).toBeGreaterThan(0);
        const staffByChannel = await Promise.all(channels.map((channel) => indicatorScores(e.db, { ...filter, staff: 'S-7', channel })));
        for (const row of staffRadar) {
          const parts = staffByChannel.flat().filter((part) => part.code === row.code);
          expect(parts.reduce((n, part) => n + part.answers, 0), row.code).toBe(row.answers);
          expect(parts.reduce((n, part) => n + part.goodRate.numerator, 0), row.code).toBe(row.goodRate.numerator);
        }
        expect(await indicatorScores(e.db, { ...filter, staff: 'S-404' })).toEqual([]);
        // The funnel and 未评率 ignore the channel; a window filter sends them to the facts.
        const windows = ['W-0', 'W-1', 'W-2', 'W-3'];
        const sum = <T>(rows: readonly T[][], pick: (row: T) => number) => rows.flat().reduce((n, row) => n + pick(row), 0);
        const byWindow = await Promise.all(windows.map((window) => indicatorScores(e.db, { ...filter, window })));
        expect(sum(byWindow, (row) => row.answers)).toBe(sum([await indicatorScores(e.db, filter)], (row) => row.answers));
        const funnels = await Promise.all(windows.map((window) => responseFunnel(e.db, { filter: { ...filter, window } })));
        const whole = await responseFunnel(e.db, { filter });
        for (const key of ['invited', 'opened', 'submitted', 'expired'] as const)
          expect(sum(funnels, (row) => row[key])).toBe(sum([whole], (row) => row[key]));
        const unrated = await Promise.all(windows.map((window) => unratedCases(e.db, { ...filter, window })));
        expect(unrated.reduce((n, rate) => n + rate.denominator, 0)).toBe((await unratedCases(e.db, filter)).denominator);
      }
    });
  });
}
