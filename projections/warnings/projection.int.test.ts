import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WarningEvent } from '../../core/warning/events.ts';
import { startProjector } from '../runtime/projector.ts';
import type { Engine } from '../testing/engines.ts';
import { engines } from '../testing/engines.ts';
import { appendWarning, rectifiedWarning, warningRaised } from '../testing/events.ts';
import { warningsProjection } from './projection.ts';

const at = (iso: string) => `2025-10-${iso}.000Z`;

for (const engine of engines('warnings projection')) {
  describe(`warnings projection on ${engine.name}`, () => {
    let e: Engine;
    beforeAll(async () => {
      e = await engine.open();
    });
    afterAll(async () => {
      await e?.close();
    });

    const project = async (batchSize: number) => {
      const projector = startProjector(e, warningsProjection, { batchSize, pollIntervalMs: 20 });
      await projector.caughtUp();
      await projector.stop();
    };

    const row = async (warningId: string) =>
      (
        await sql<Record<string, unknown>>`
        select phase, round, lead_department, cooperating_departments, dispatch_on_time, replies, replies_on_time,
               callbacks, callbacks_satisfied, reopen_count, appeal_status, outcome, rating_excluded, stream_version,
               to_json(reply_due_at) #>> '{}' as reply_due_at, to_json(closed_at) #>> '{}' as closed_at
        from app.warnings where warning_id = ${warningId}`.execute(e.db)
      ).rows[0];

    it('given a warning reopened after a failed on-site check, then rectified: one row with both rounds counted', async () => {
      const [raised, dispatched, deadline, replied, phone] = rectifiedWarning('w-re', at('01T02:00:00'), {
        dispatchAfterMinutes: 75,
        department: 'D-MKT',
      });
      const facts: WarningEvent[] = [
        raised!,
        dispatched!,
        {
          type: 'CollaborationRequested',
          data: { by: 'u-h', departments: ['D-HALL'], note: '需要大厅调整叫号', at: at('02T01:00:00') },
        },
        deadline!,
        replied!,
        phone!,
        {
          type: 'OnSiteCheckRecorded',
          data: {
            round: 0,
            by: 'u-c',
            checkedAt: at('03T05:00:00'),
            satisfied: false,
            notes: '未整改到位',
            photo: { blobKey: 'b', sha256: 'c'.repeat(64), mediaType: 'image/jpeg' },
            at: at('03T05:00:00'),
          },
        },
        { type: 'WarningReopened', data: { count: 1, failedCheck: 'on_site', at: at('03T05:00:01') } },
        {
          type: 'ReplyDeadlineSet',
          data: {
            round: 1,
            deadline: { dueAt: at('08T05:00:01'), reminderAt: at('07T05:00:01') },
            workingDays: 3,
            countedFrom: at('03T05:00:01'),
            calendarCoverage: {},
            calendarFallbackYears: [],
            at: at('03T05:00:01'),
          },
        },
        {
          type: 'WarningReplied',
          data: {
            round: 1,
            by: 'u-h',
            department: 'D-MKT',
            text: '已调整',
            evidence: [],
            onTime: false,
            at: at('09T01:00:00'),
          },
        },
        {
          type: 'PhoneCallbackRecorded',
          data: {
            round: 1,
            by: 'u-c',
            calledAt: at('09T02:00:00'),
            satisfied: true,
            notes: '',
            at: at('09T02:00:00'),
          },
        },
        {
          type: 'OnSiteCheckRecorded',
          data: {
            round: 1,
            by: 'u-c',
            checkedAt: at('09T03:00:00'),
            satisfied: true,
            notes: '',
            photo: { blobKey: 'b2', sha256: 'd'.repeat(64), mediaType: 'image/jpeg' },
            at: at('09T03:00:00'),
          },
        },
        {
          type: 'WarningClosed',
          data: { outcome: 'rectified', ratingExcludedFromAppraisal: false, at: at('09T03:00:01') },
        },
      ];
      await appendWarning(e.store, 'w-re', facts);
      // Batches of 3 split the stream: the row is loaded and folded across batches.
      await project(3);
      expect(await row('w-re')).toEqual({
        phase: 'closed',
        round: 1,
        lead_department: 'D-MKT',
        cooperating_departments: ['D-HALL'],
        dispatch_on_time: false,
        replies: 2,
        replies_on_time: 1,
        callbacks: 4,
        callbacks_satisfied: 3,
        reopen_count: 1,
        appeal_status: 'none',
        outcome: 'rectified',
        rating_excluded: false,
        stream_version: 13,
        reply_due_at: '2025-10-08T05:00:01+00:00',
        closed_at: '2025-10-09T03:00:01+00:00',
      });
    });

    it('given an upheld appeal, then the rating is excluded from appraisal', async () => {
      await appendWarning(e.store, 'w-ap', [
        warningRaised('w-ap', at('05T02:00:00'), { ratingEventId: '00000000-0000-4000-8000-000000000001' }),
        {
          type: 'AppealFiled',
          data: {
            by: 'staff-7',
            department: 'D-MKT',
            reason: '恶意差评',
            evidence: [],
            at: at('05T03:00:00'),
          },
        },
        {
          type: 'AppealReviewed',
          data: {
            by: 'u-lead',
            decision: 'upheld',
            reason: '核实为误评',
            ratingEventId: '00000000-0000-4000-8000-000000000001',
            ratingExcludedFromAppraisal: true,
            at: at('06T03:00:00'),
          },
        },
        {
          type: 'WarningClosed',
          data: { outcome: 'appeal_upheld', ratingExcludedFromAppraisal: true, at: at('06T03:00:01') },
        },
      ]);
      await project(100);
      expect(await row('w-ap')).toMatchObject({
        phase: 'closed',
        appeal_status: 'upheld',
        outcome: 'appeal_upheld',
        rating_excluded: true,
        stream_version: 4,
      });
    });

    it('re-applying every warning event changes no row (stream-version guard)', async () => {
      const before = await sql`select * from app.warnings order by warning_id`.execute(e.db);
      const events = await e.store.readAll({ after: null, limit: 1000, categories: ['warning'] });
      await e.db
        .transaction()
        .execute((trx) => warningsProjection.apply(trx.withSchema('rm_warnings_v1') as never, events));
      expect((await sql`select * from app.warnings order by warning_id`.execute(e.db)).rows).toEqual(
        before.rows,
      );
      expect(await rollup()).toEqual(await rollupFromRows());
    });

    // The day roll-up, and the same counts grouped from the warning rows (as migration 0514 fills it).
    const rollup = async () =>
      (
        await sql`
          select raised_day_key, department_code, matter_code, hall_code, window_code, staff_id, lead_department, phase, raised, counted,
                 verified, rectified, callbacks, callbacks_satisfied, dispatched, dispatched_on_time, replies, replies_on_time
          from app.warnings_by_day where raised > 0 order by 1, 2, 3, 4, 5, 6, 7, 8`.execute(e.db)
      ).rows;
    const rollupFromRows = async () =>
      (
        await sql`
          select raised_day_key, coalesce(department_code, '') as department_code, coalesce(matter_code, '') as matter_code,
                 coalesce(hall_code, '') as hall_code, coalesce(window_code, '') as window_code, coalesce(staff_id, '') as staff_id,
                 lead_department, phase, count(*)::int as raised,
                 count(*) filter (where counted)::int as counted,
                 count(*) filter (where counted and (outcome = 'rectified' or (phone_satisfied is not null and on_site_satisfied is not null)))::int as verified,
                 count(*) filter (where counted and outcome = 'rectified')::int as rectified,
                 coalesce(sum(callbacks) filter (where counted), 0)::int as callbacks,
                 coalesce(sum(callbacks_satisfied) filter (where counted), 0)::int as callbacks_satisfied,
                 count(*) filter (where counted and dispatched_at is not null)::int as dispatched,
                 count(*) filter (where counted and dispatch_on_time)::int as dispatched_on_time,
                 coalesce(sum(replies) filter (where counted), 0)::int as replies,
                 coalesce(sum(replies_on_time) filter (where counted), 0)::int as replies_on_time
          from (select *, not (appeal_status = 'upheld' or coalesce(outcome, '') = 'appeal_upheld') as counted from app.warnings) w
          group by 1, 2, 3, 4, 5, 6, 7, 8 order by 1, 2, 3, 4, 5, 6, 7, 8`.execute(e.db)
      ).rows;

    it('the day roll-up holds exactly the counts of its warnings, through every phase and the upheld appeal', async () => {
      // Two more still open: one awaiting dispatch, one dispatched and awaiting its reply.
      // The first at another hall's 12号窗口, served by another staff member: a row of its own.
      await appendWarning(e.store, 'w-new', [warningRaised('w-new', at('07T02:00:00'), { department: 'D-TAX', hallId: 'H-YAJD', staffId: 'S-9' })]);
      await appendWarning(e.store, 'w-open', rectifiedWarning('w-open', at('07T03:00:00')).slice(0, 3));
      await project(2);
      const rows = await rollup();
      expect(rows.filter((row) => (row as { hall_code: string }).hall_code === 'H-YAJD')).toMatchObject([{ staff_id: 'S-9', window_code: 'W-12', raised: 1 }]);
      expect(new Set(rows.map((row) => (row as { phase: string }).phase)).size).toBeGreaterThan(1);
      expect(rows.some((row) => (row as { counted: number; raised: number }).counted < (row as { raised: number }).raised)).toBe(true);
      expect(rows).toEqual(await rollupFromRows());
    });
  });
}
