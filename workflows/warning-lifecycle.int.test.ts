import { existsSync } from 'node:fs';
import path from 'node:path';
import { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../core/eventstore/types.ts';
import type { WarningCommand } from '../core/warning/commands.ts';
import type { WarningEvent } from '../core/warning/events.ts';
import { actors, evidence, raiseCommand } from '../core/warning/testing.ts';
import { needs } from '../tests/support/env.ts';
import { fixturesDir, saveHistoryFixture } from './history-fixtures.ts';
import type { LifecycleHarness } from './lifecycle-harness.ts';
import { hasFaketime, startLifecycleHarness } from './lifecycle-harness.ts';
import { progressQuery } from './signals.ts';
import { defaultLifecycleConfig } from './config.ts';
import { startWarningForwarder } from './forwarder.ts';
import { warningLifecycle } from './warning-lifecycle.workflow.ts';
import { handleCommand } from '../core/decider/command-handler.ts';
import { calendarConfigDecider, calendarConfigStreamId } from '../core/calendar/decider.ts';

const MAX_HISTORY_EVENTS = 300;
const MIN = 60_000;
const HOUR = 60 * MIN;
const cst = (local: string) => new Date(`${local}+08:00`);
const of = <T extends WarningEvent['type']>(events: RecordedEvent[], type: T) =>
  events.filter((e) => e.type === type) as unknown as (RecordedEvent & Extract<WarningEvent, { type: T }>)[];
const has = (type: WarningEvent['type'], count = 1) => (events: RecordedEvent[]) =>
  events.filter((e) => e.type === type).length >= count;
/** A timer fired at its instant: not before, and within a minute of skipped time. */
const firedAt = (actual: string, expected: Date) => {
  expect(Date.parse(actual)).toBeGreaterThanOrEqual(expected.getTime());
  expect(Date.parse(actual)).toBeLessThan(expected.getTime() + MIN);
};
type StaffCommand = WarningCommand extends infer C ? (C extends WarningCommand ? Omit<C, 'at'> : never) : never;

describe.runIf(needs('warning lifecycle on the time-skipping test server', 'TEMPORAL_TEST_SERVER_PATH') && hasFaketime())(
  'warning lifecycle (time-skipping server, real decider, PGlite event store, SMS outbox)',
  () => {
    let h: LifecycleHarness;
    // The test server's clock starts on Monday 2026-02-09 09:00 Asia/Shanghai. Time is global to the
    // environment and only moves forward: the scenarios run in calendar order.
    beforeAll(async () => {
      h = await startLifecycleHarness('2026-02-09 01:00:00');
    });
    afterAll(async () => h?.close());

    const raise = async (warningId: string) => {
      const at = await h.now();
      await h.act(warningId, {
        ...raiseCommand(warningId),
        at,
        dispatch: { reminderAt: new Date(at.getTime() + 45 * MIN).toISOString(), dueAt: new Date(at.getTime() + HOUR).toISOString() },
      });
      await h.until(warningId, has('DispatchersAlerted'), 'the dispatchers alert');
    };
    const staff = async (warningId: string, command: StaffCommand, at?: Date) =>
      h.act(warningId, { ...command, at: at ?? (await h.now()) } as WarningCommand);
    const dispatch = (warningId: string) => staff(warningId, { type: 'DispatchWarning', actor: actors.dispatcher });
    const reply = (warningId: string, at?: Date) =>
      staff(warningId, { type: 'ReplyToWarning', text: '已整改：调整叫号规则并培训窗口人员', evidence: [evidence(1)], actor: actors.lead }, at);
    const phone = async (warningId: string, satisfied: boolean) =>
      staff(warningId, { type: 'RecordPhoneCallback', calledAt: await h.now(), satisfied, notes: '电话回访', actor: actors.officer });
    const onSite = async (warningId: string, satisfied: boolean) =>
      staff(warningId, { type: 'RecordOnSiteCheck', checkedAt: await h.now(), satisfied, notes: '实地核查', photo: evidence(2), actor: actors.officer });
    const raiseAndDispatch = async (warningId: string, raiseAt: Date) => {
      await h.advanceTo(raiseAt);
      await raise(warningId);
      await h.advanceTo(new Date(raiseAt.getTime() + 30 * MIN));
      await dispatch(warningId);
      return of(await h.until(warningId, has('ReplyDeadlineSet'), 'the reply deadline'), 'ReplyDeadlineSet')[0]!.data;
    };
    const handle = (warningId: string) => h.env.client.workflow.getHandle(warningId);
    /**
     * The workflow's result once it has finished. Awaiting `result()` of a running workflow would let
     * the test server skip time to its next timer before the signals already on their way arrive.
     */
    const finished = async (warningId: string) => {
      for (let attempt = 0; attempt < 600 && (await handle(warningId).describe()).status.name === 'RUNNING'; attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      // A plain client: the environment's own client would unlock time skipping while it waits.
      return new Client({ connection: h.env.connection }).workflow.getHandle(warningId).result();
    };

    /** Keeps the history as a replay fixture (when missing, or when re-recording) and checks its size. */
    const keepHistory = async (warningId: string, name: string) => {
      const history = await handle(warningId).fetchHistory();
      expect(history.events?.length ?? 0).toBeLessThan(MAX_HISTORY_EVENTS);
      if (!existsSync(path.join(fixturesDir, `${name}.json`)) || process.env.PINGGAI_RECORD_FIXTURES === '1') {
        saveHistoryFixture(name, history);
      }
    };
    const stillWaiting = async (warningId: string, phase: string) => {
      expect((await handle(warningId).describe()).status.name).toBe('RUNNING');
      expect((await handle(warningId).query(progressQuery)).phase).toBe(phase);
    };
    const finish = async (warningId: string, name: string) => {
      await keepHistory(warningId, name);
      await handle(warningId).terminate('test scenario over');
    };
    const sentKeys = async (warningId: string) =>
      (await h.db.selectFrom('app.sms_outbox').select('idempotency_key').where('idempotency_key', 'like', `${warningId}:%`).execute())
        .map((row) => row.idempotency_key.slice(warningId.length + 1))
        .sort();
    /**
     * The SMS keys of a warning once `expected` are all among them: an activity appends its event
     * before it sends, so the stream may be ahead of the outbox for a moment.
     */
    const smsKeys = async (warningId: string, expected: readonly string[] = []) => {
      for (let attempt = 0; attempt < 200; attempt++) {
        const keys = await sentKeys(warningId);
        if (expected.every((key) => keys.includes(key))) return keys;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return sentKeys(warningId);
    };
    const noDuplicates = (events: RecordedEvent[]) => expect(new Set(events.map((e) => e.id)).size).toBe(events.length);

    it('on time: alert, dispatch within the hour, reply within 3 working days, dual call-back, closed', async () => {
      const id = 'w-on-time';
      const deadline = await raiseAndDispatch(id, cst('2026-02-09T09:00:00'));
      // Dispatched Monday 09:30 → due by 24:00 Thursday 2026-02-12.
      expect(deadline.deadline).toEqual({ reminderAt: cst('2026-02-12T00:00:00').toISOString(), dueAt: cst('2026-02-13T00:00:00').toISOString() });
      expect(deadline.calendarFallbackYears).toEqual([]);
      await h.advanceTo(cst('2026-02-10T15:00:00'));
      await reply(id);
      await h.until(id, has('CallbackDeadlinesSet'), 'the call-back deadlines');
      await phone(id, true);
      await onSite(id, true);
      expect(await finished(id)).toMatchObject({ warningId: id, outcome: 'rectified' });

      const events = await h.until(id, has('CitizenNotified', 3), 'the citizen notices');
      const types = events.map((e) => e.type);
      for (const late of ['DispatchReminderSent', 'DispatchEscalated', 'ReplyReminderSent', 'ReplyEscalated']) expect(types).not.toContain(late);
      expect(of(events, 'WarningReplied')[0]!.data.onTime).toBe(true);
      expect(of(events, 'WarningClosed')[0]!.data.outcome).toBe('rectified');
      expect(of(events, 'CitizenNotified').map((e) => e.data.step)).toEqual(['dispatched', 'replied', 'closed']);
      noDuplicates(events);
      expect(await smsKeys(id, [
        'callback-deadlines:0@officer-1',
        'citizen-closed:0@citizen',
        'citizen-dispatched:0@citizen',
        'citizen-replied:0@citizen',
        'dispatch-alert:0@dispatcher-1',
        'reply-deadline:0@handler-1',
      ])).toEqual([
        'callback-deadlines:0@officer-1',
        'citizen-closed:0@citizen',
        'citizen-dispatched:0@citizen',
        'citizen-replied:0@citizen',
        'dispatch-alert:0@dispatcher-1',
        'reply-deadline:0@handler-1',
      ]);
      // Events that reach the forwarder after the workflow finished start nothing new.
      await h.forwarded();
      const described = await handle(id).describe();
      expect(described.status.name).toBe('COMPLETED');
      await keepHistory(id, 'on-time');
    });

    it('a missed dispatch: reminder before the hour, escalation at it and after it, and the warning keeps waiting', async () => {
      const id = 'w-missed-dispatch';
      await h.advanceTo(cst('2026-02-10T16:00:00'));
      const raisedAt = await h.now();
      await raise(id);
      await h.advanceTo(new Date(raisedAt.getTime() + 2 * HOUR + MIN));
      const events = await h.until(id, has('DispatchEscalated', 2), 'two dispatch escalations');
      firedAt(of(events, 'DispatchReminderSent')[0]!.data.at, new Date(raisedAt.getTime() + 45 * MIN));
      const [first, second] = of(events, 'DispatchEscalated');
      expect([first!.data.level, second!.data.level]).toEqual([1, 2]);
      firedAt(first!.data.at, new Date(raisedAt.getTime() + HOUR));
      firedAt(second!.data.at, new Date(raisedAt.getTime() + 2 * HOUR));
      await stillWaiting(id, 'awaiting_dispatch');
      expect(await smsKeys(id, [
        'dispatch-alert:0@dispatcher-1',
        'dispatch-escalation-1:0@supervisor-1',
        'dispatch-escalation-2:0@working-group-1',
        'dispatch-reminder:0@dispatcher-1',
      ])).toEqual([
        'dispatch-alert:0@dispatcher-1',
        'dispatch-escalation-1:0@supervisor-1',
        'dispatch-escalation-2:0@working-group-1',
        'dispatch-reminder:0@dispatcher-1',
      ]);
      noDuplicates(events);
      await finish(id, 'missed-dispatch');
    });

    it('an upheld appeal closes the warning as appeal_upheld and excludes the rating from appraisal', async () => {
      const id = 'w-appeal';
      await raiseAndDispatch(id, cst('2026-02-10T19:00:00'));
      await staff(id, { type: 'FileAppeal', reason: '评价对象有误：该事项由其他窗口办理', evidence: [evidence(4)], actor: actors.ratedStaff });
      await staff(id, { type: 'ReviewAppeal', decision: 'upheld', reason: '经核实，评价对象有误', actor: actors.reviewer });
      expect(await finished(id)).toMatchObject({ outcome: 'appeal_upheld' });
      const events = await h.events(id);
      expect(of(events, 'AppealReviewed')[0]!.data).toMatchObject({ decision: 'upheld', ratingEventId: 'evt-rating-1', ratingExcludedFromAppraisal: true });
      expect(of(events, 'WarningClosed')[0]!.data).toMatchObject({ outcome: 'appeal_upheld', ratingExcludedFromAppraisal: true });
      // The rater heard of the dispatch; an upheld appeal is not news of a rectification.
      expect(of(events, 'CitizenNotified').map((e) => e.data.step)).toEqual(['dispatched']);
      await keepHistory(id, 'appeal-upheld');
    });

    it('a missed reply across Spring Festival 2026: the make-up Saturday 02-14 counts, the holiday does not', async () => {
      const id = 'w-spring-festival';
      const { deadline } = await raiseAndDispatch(id, cst('2026-02-12T09:00:00'));
      // Thursday 02-12 → Fri 13, Sat 14 (调休上班), [15–23 春节], Tue 24 → due 24:00 on 02-24.
      expect(deadline).toEqual({ reminderAt: cst('2026-02-15T00:00:00').toISOString(), dueAt: cst('2026-02-25T00:00:00').toISOString() });
      await h.advanceTo(cst('2026-02-26T00:30:00'));
      const events = await h.until(id, has('ReplyEscalated', 2), 'two reply escalations');
      firedAt(of(events, 'ReplyReminderSent')[0]!.data.at, cst('2026-02-15T00:00:00'));
      firedAt(of(events, 'ReplyEscalated')[0]!.data.at, cst('2026-02-25T00:00:00'));
      firedAt(of(events, 'ReplyEscalated')[1]!.data.at, cst('2026-02-26T00:00:00'));
      expect(of(events, 'ReplyEscalated')[0]!.data.audiences).toEqual(['department_head', 'working_group']);
      await stillWaiting(id, 'awaiting_reply');
      const replyKeys = [
        'reply-deadline:0@handler-1',
        'reply-escalation-1:0@head-1',
        'reply-escalation-1:0@working-group-1',
        'reply-escalation-2:0@leader-1',
        'reply-reminder:0@handler-1',
      ];
      expect((await smsKeys(id, replyKeys)).filter((key) => key.startsWith('reply-'))).toEqual([
        'reply-deadline:0@handler-1',
        'reply-escalation-1:0@head-1',
        'reply-escalation-1:0@working-group-1',
        'reply-escalation-2:0@leader-1',
        'reply-reminder:0@handler-1',
      ]);
      await finish(id, 'missed-reply-spring-festival');
    });

    it('a failed on-site check reopens the warning (count kept), a new reply deadline follows, then it closes', async () => {
      const id = 'w-reopened';
      await raiseAndDispatch(id, cst('2026-02-26T09:00:00'));
      await h.advanceTo(cst('2026-02-26T14:00:00'));
      await reply(id);
      await h.until(id, has('CallbackDeadlinesSet'), 'the call-back deadlines');
      await phone(id, true);
      await onSite(id, false);
      const reopened = await h.until(id, has('ReplyDeadlineSet', 2), 'the second reply deadline');
      expect(of(reopened, 'WarningReopened')[0]!.data).toMatchObject({ count: 1, failedCheck: 'on_site' });
      // Reopened Thursday 02-26 → Fri 27, Sat 28 (调休上班), Mon 03-02 → due 24:00 on 03-02.
      expect(of(reopened, 'ReplyDeadlineSet')[1]!.data).toMatchObject({
        round: 1,
        deadline: { reminderAt: cst('2026-03-01T00:00:00').toISOString(), dueAt: cst('2026-03-03T00:00:00').toISOString() },
      });
      await h.advanceTo(cst('2026-02-27T10:00:00'));
      await reply(id);
      await h.until(id, has('CallbackDeadlinesSet', 2), 'the second call-back deadlines');
      await phone(id, true);
      await onSite(id, true);
      expect(await finished(id)).toMatchObject({ outcome: 'rectified' });
      const events = await h.until(id, has('CitizenNotified', 4), 'the citizen notices');
      expect(of(events, 'CitizenNotified').map((e) => `${e.data.step}:${e.data.round}`)).toEqual(['dispatched:0', 'replied:0', 'replied:1', 'closed:1']);
      noDuplicates(events);
      await keepHistory(id, 'reopened-then-closed');
    });

    it('a reply in the same instant as the escalation timer has exactly one outcome', async () => {
      const id = 'w-race';
      const { deadline } = await raiseAndDispatch(id, cst('2026-03-02T09:00:00'));
      const due = new Date(deadline.dueAt);
      expect(due.toISOString()).toBe(cst('2026-03-06T00:00:00').toISOString());
      await h.advanceTo(due);
      await reply(id, due);
      const events = await h.until(id, has('CallbackDeadlinesSet'), 'the call-back deadlines');
      const escalations = of(events, 'ReplyEscalated');
      const replies = of(events, 'WarningReplied');
      expect(replies).toHaveLength(1);
      // Either the reply was decided first (on time, no escalation) or the escalation was (the reply is late).
      expect(escalations.length === 0).toBe(replies[0]!.data.onTime);
      expect(escalations.length).toBeLessThanOrEqual(1);
      if (escalations.length === 1) expect(escalations[0]!.streamVersion).toBeLessThan(replies[0]!.streamVersion);
      await phone(id, true);
      await onSite(id, true);
      expect(await finished(id)).toMatchObject({ outcome: 'rectified' });
      expect(of(await h.events(id), 'ReplyEscalated')).toHaveLength(escalations.length);
      await keepHistory(id, 'reply-races-escalation');
    });

    it('a missed reply across a weekend: reminder and escalation only on working days', async () => {
      const id = 'w-weekend';
      const { deadline } = await raiseAndDispatch(id, cst('2026-03-12T09:00:00'));
      // Thursday 03-12 → Fri 13, [weekend], Mon 16, Tue 17 → due 24:00 on 03-17; reminder 24:00 on 03-16.
      expect(deadline).toEqual({ reminderAt: cst('2026-03-17T00:00:00').toISOString(), dueAt: cst('2026-03-18T00:00:00').toISOString() });
      await h.advanceTo(cst('2026-03-18T00:30:00'));
      const events = await h.until(id, has('ReplyEscalated'), 'the reply escalation');
      firedAt(of(events, 'ReplyReminderSent')[0]!.data.at, cst('2026-03-17T00:00:00'));
      firedAt(of(events, 'ReplyEscalated')[0]!.data.at, cst('2026-03-18T00:00:00'));
      expect(of(events, 'ReplyEscalated')).toHaveLength(1); // level 2 is due a day later
      await stillWaiting(id, 'awaiting_reply');
      await finish(id, 'missed-reply-weekend');
    });

    it('a missed reply across National Day 2026: due on the make-up Saturday 10-10', async () => {
      const id = 'w-national-day';
      const { deadline } = await raiseAndDispatch(id, cst('2026-09-30T09:00:00'));
      // Wednesday 09-30 → [10-01–10-07 国庆], Thu 10-08, Fri 10-09, Sat 10-10 (调休上班) → due 24:00 on 10-10.
      expect(deadline).toEqual({ reminderAt: cst('2026-10-10T00:00:00').toISOString(), dueAt: cst('2026-10-11T00:00:00').toISOString() });
      await h.advanceTo(cst('2026-10-11T00:30:00'));
      const events = await h.until(id, has('ReplyEscalated'), 'the reply escalation');
      firedAt(of(events, 'ReplyReminderSent')[0]!.data.at, cst('2026-10-10T00:00:00'));
      firedAt(of(events, 'ReplyEscalated')[0]!.data.at, cst('2026-10-11T00:00:00'));
      await stillWaiting(id, 'awaiting_reply');
      await finish(id, 'missed-reply-national-day');
    });

    it('a long lifecycle continues as new and still closes; every run stays under 300 events', async () => {
      const id = 'w-continued';
      await h.advanceTo(cst('2026-10-12T08:00:00'));
      await h.env.client.workflow.start(warningLifecycle, {
        workflowId: id,
        taskQueue: h.taskQueue,
        args: [{ warningId: id, config: { ...defaultLifecycleConfig, continueAsNewAfterEvents: 10 } }],
      });
      await raiseAndDispatch(id, cst('2026-10-12T09:00:00'));
      for (const satisfied of [false, true]) {
        const round = satisfied ? 1 : 0;
        await reply(id);
        await h.until(id, has('CallbackDeadlinesSet', round + 1), `the call-back deadlines of round ${round}`);
        await phone(id, true);
        await onSite(id, satisfied);
        if (!satisfied) await h.until(id, has('ReplyDeadlineSet', 2), 'the second reply deadline');
      }
      expect(await finished(id)).toMatchObject({ outcome: 'rectified' });
      const history = await handle(id).fetchHistory();
      const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
      expect(started?.continuedExecutionRunId, 'the last run continues an earlier one').toBeTruthy();
      const events = await h.until(id, has('CitizenNotified', 4), 'the citizen notices');
      noDuplicates(events);
      expect(of(events, 'WarningReopened')).toHaveLength(1);
      await keepHistory(id, 'continued-as-new');
    });

    it('a deadline in a year without calendar data is counted weekdays only, flagged and alerted; a loaded year wins', async () => {
      const fallback = 'w-fallback-2027';
      const first = await raiseAndDispatch(fallback, cst('2026-12-30T09:00:00'));
      // Wed 12-30 → Thu 31, [2027 has no data: weekdays only] Fri 01-01, Mon 01-04 → due 24:00 on 01-04.
      expect(first.deadline.dueAt).toBe(cst('2027-01-05T00:00:00').toISOString());
      expect(first.calendarFallbackYears).toEqual([2027]);
      expect(first.calendarCoverage).toEqual({ 2026: 'official', 2027: 'fallback' });
      expect(await smsKeys(fallback, ['calendar-fallback:reply-deadline:0@operator-1'])).toContain(
        'calendar-fallback:reply-deadline:0@operator-1',
      );

      // An administrator enters the (here: hypothetical) 2027 New Year arrangement from the notice.
      await handleCommand(h.store, calendarConfigStreamId, calendarConfigDecider, {
        type: 'LoadYearArrangement',
        year: 2027,
        holidays: [
          { date: '2027-01-01', name: '元旦' },
          { date: '2027-01-02', name: '元旦' },
          { date: '2027-01-03', name: '元旦' },
        ],
        makeUpWorkdays: [],
        source: { title: '2027年部分节假日安排（测试用假设数据）' },
        at: await h.now(),
        actor: { id: 'admin-1', role: 'administrator' },
      }, { commandId: 'load-2027-test', actor: { id: 'admin-1', role: 'administrator' }, now: await h.now() });

      const loaded = 'w-loaded-2027';
      const second = await raiseAndDispatch(loaded, cst('2026-12-30T10:00:00'));
      // Thu 31, [01-01–01-03 元旦], Mon 01-04, Tue 01-05 → due 24:00 on 01-05, nothing guessed.
      expect(second.deadline.dueAt).toBe(cst('2027-01-06T00:00:00').toISOString());
      expect(second.calendarFallbackYears).toEqual([]);
      expect(second.calendarCoverage).toEqual({ 2026: 'official', 2027: 'loaded' });
      expect((await smsKeys(loaded, ['reply-deadline:0@handler-1'])).filter((key) => key.startsWith('calendar-fallback'))).toEqual([]);
    });

    it('forwarding every event again (a forwarder from position 0) changes nothing and restarts no finished warning', async () => {
      const before = await h.events('w-loaded-2027');
      const outcomes = new Map<string, Set<string>>();
      const again = startWarningForwarder({
        store: h.store,
        client: h.env.client,
        taskQueue: h.taskQueue,
        subscriberId: 'forwarder-replay-test',
        pollIntervalMs: 20,
        onForwarded: (event, outcome) => {
          const set = outcomes.get(event.streamId) ?? new Set<string>();
          set.add(outcome);
          outcomes.set(event.streamId, set);
        },
      });
      await again.caughtUp();
      await again.stop();
      expect([...outcomes.get('warning-w-on-time')!]).toEqual(['workflow_closed']);
      expect([...outcomes.get('warning-w-missed-dispatch')!]).toEqual(['workflow_closed']);
      expect([...outcomes.get('warning-w-loaded-2027')!]).toEqual(['signalled']);
      const progress = await handle('w-loaded-2027').query(progressQuery);
      expect(progress.streamVersion).toBe(before.length);
      expect(await h.events('w-loaded-2027')).toHaveLength(before.length);
      expect((await handle('w-on-time').describe()).status.name).toBe('COMPLETED');
      for (const id of ['w-fallback-2027', 'w-loaded-2027']) await finish(id, id.replace(/^w-/, ''));
    });
  },
);
