import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invitationStreamId } from '../../core/invitation/events.ts';
import { startProjector } from '../runtime/projector.ts';
import type { Engine } from '../testing/engines.ts';
import { engines } from '../testing/engines.ts';
import {
  appendFacts,
  caseCompleted,
  caseRegistered,
  caseStageChanged,
  evaluationSubmitted,
  invitationExpired,
  invitationIssued,
  invitationOpened,
  rate,
  subject,
} from '../testing/events.ts';
import { ratingsProjection } from './projection.ts';

for (const engine of engines('ratings projection')) {
  describe(`ratings projection on ${engine.name}`, () => {
    let e: Engine;
    beforeAll(async () => {
      e = await engine.open();
    });
    afterAll(async () => {
      await e?.close();
    });

    const project = async () => {
      const projector = startProjector(e, ratingsProjection, { batchSize: 4, pollIntervalMs: 50 });
      await projector.caughtUp();
      await projector.stop();
    };

    it('given a case, its rating and an unrated case, then one rating fact, its answers, funnel rows and case facts', async () => {
      const late = subject({ caseId: 'hall:C-2', window: { code: 'W-3', name: '3号窗口' } });
      await appendFacts(e.store, 'case-hall:C-1', [
        caseRegistered('hall:C-1', '2025-10-30T01:00:00.000Z'),
        caseStageChanged('hall:C-1', '2025-10-30T01:10:00.000Z', 2, 'in_progress'),
        caseCompleted('hall:C-1', '2025-10-30T02:00:00.000Z'),
      ]);
      await appendFacts(e.store, 'case-hall:C-2', [
        caseRegistered('hall:C-2', '2025-10-30T03:00:00.000Z'),
        caseCompleted('hall:C-2', '2025-10-30T16:30:00.000Z'),
      ]);
      // 2025-10-30T15:30Z is 23:30 on Thursday 30 October in Beijing.
      const ratingId = await rate(e.store, 'inv-1', '2025-10-30T15:30:00.000Z', {
        overall: 2,
        answers: { SM01: 2, PC02: 1, RS01: 4 },
        reasons: ['R04'],
        comment: '等了一小时, 电话13812341234',
        channel: 'qr_case',
      });
      await appendFacts(e.store, invitationStreamId('inv-2'), [
        invitationIssued('inv-2', 'sms', '2025-10-30T16:31:00.000Z', late),
        invitationOpened('inv-2', 'sms', '2025-10-30T17:00:00.000Z'),
        invitationExpired('inv-2', '2025-11-06T16:31:00.000Z'),
      ]);
      await project();

      const facts = await sql<Record<string, unknown>>`
        select rating_id, case_id, day_key, week_key, month_key, weekday, hour, department_code, window_code, channel, channel_group,
               level, negative, reasons, comment_masked, anonymous from app.rating_facts`.execute(e.db);
      expect(facts.rows).toEqual([
        {
          rating_id: ratingId,
          case_id: 'hall:C-1',
          day_key: '2025-10-30',
          week_key: '2025-W44',
          month_key: '2025-10',
          weekday: 4,
          hour: 23,
          department_code: 'D-MKT',
          window_code: 'W-12',
          channel: 'qr_case',
          channel_group: 'offline',
          level: 2,
          negative: true,
          reasons: ['R04'],
          comment_masked: '等了一小时, 电话138****1234',
          anonymous: true,
        },
      ]);
      const answers =
        await sql`select code, category, level from app.indicator_answers order by code`.execute(e.db);
      expect(answers.rows).toEqual([
        { code: 'PC02', category: 'PC', level: 1 },
        { code: 'RS01', category: 'RS', level: 4 },
        { code: 'SM01', category: 'SM', level: 2 },
      ]);
      const funnel = await sql`
        select invitation_id, channel_group, opened_at is not null as opened, submitted_at is not null as submitted, expired_at is not null as expired
        from app.invitation_funnel order by invitation_id`.execute(e.db);
      expect(funnel.rows).toEqual([
        { invitation_id: 'inv-1', channel_group: 'offline', opened: true, submitted: true, expired: false },
        { invitation_id: 'inv-2', channel_group: 'online', opened: true, submitted: false, expired: true },
      ]);
      const cases = await sql`
        select case_id, stage, stage_sequence, completed_day_key, to_json(first_rated_at) #>> '{}' as first_rated_at
        from app.case_facts order by case_id`.execute(e.db);
      expect(cases.rows).toEqual([
        {
          case_id: 'hall:C-1',
          stage: 'concluded',
          stage_sequence: 3,
          completed_day_key: '2025-10-30',
          first_rated_at: '2025-10-30T15:30:00+00:00',
        },
        {
          case_id: 'hall:C-2',
          stage: 'concluded',
          stage_sequence: 3,
          completed_day_key: '2025-10-31',
          first_rated_at: null,
        },
      ]);
    });

    it('applying the same events again changes no row (idempotent by construction)', async () => {
      const events = await e.store.readAll({
        after: null,
        limit: 1000,
        categories: ratingsProjection.categories,
      });
      const before = await sql`select * from app.case_facts order by case_id`.execute(e.db);
      const funnelBefore = await sql`select * from app.invitation_funnel order by invitation_id`.execute(
        e.db,
      );
      await e.db
        .transaction()
        .execute((trx) => ratingsProjection.apply(trx.withSchema('rm_ratings_v1') as never, events));
      expect((await sql`select * from app.case_facts order by case_id`.execute(e.db)).rows).toEqual(
        before.rows,
      );
      expect(
        (await sql`select * from app.invitation_funnel order by invitation_id`.execute(e.db)).rows,
      ).toEqual(funnelBefore.rows);
      expect(
        (await sql<{ n: number }>`select count(*)::int as n from app.rating_facts`.execute(e.db)).rows[0]?.n,
      ).toBe(1);
      expect(
        (await sql<{ n: number }>`select count(*)::int as n from app.indicator_answers`.execute(e.db)).rows[0]
          ?.n,
      ).toBe(3);
    });

    it('a rating that comes before its case is known still marks the case rated once the case arrives', async () => {
      await appendFacts(e.store, invitationStreamId('inv-3'), [
        invitationIssued('inv-3', 'qr_static', '2025-10-31T01:00:00.000Z', subject({ caseId: 'hall:C-3' })),
        evaluationSubmitted('inv-3', '2025-10-31T01:01:00.000Z', {
          overall: 5,
          channel: 'qr_static',
          subject: subject({ caseId: 'hall:C-3' }),
        }),
      ]);
      await project();
      await appendFacts(e.store, 'case-hall:C-3', [
        caseRegistered('hall:C-3', '2025-10-31T00:00:00.000Z'),
        caseCompleted('hall:C-3', '2025-10-31T00:30:00.000Z'),
      ]);
      await project();
      const row =
        await sql`select department_code, completed_day_key, first_rated_at is not null as rated from app.case_facts where case_id = 'hall:C-3'`.execute(
          e.db,
        );
      expect(row.rows).toEqual([{ department_code: 'D-MKT', completed_day_key: '2025-10-31', rated: true }]);
    });
  });
}
